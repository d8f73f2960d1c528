import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { formatPath, JobFileError, type JobFileProblem } from './job-file-error.ts';
import { type JobFile, JobFileSchema, WINDOW_SCHEMAS } from './job-file-schema.ts';
import type { JobSpec } from './job-spec.ts';
import { type PathProblem, schemaProblems } from './schema-problems.ts';
import { toJobSpec, type WindowFile } from './to-job-spec.ts';
import { positionOf } from './yaml-positions.ts';

/** Job files larger than this are refused (a job is a page of YAML, not a data file). */
export const MAX_JOB_FILE_BYTES = 1024 * 1024;

/**
 * Parses and checks a job file's text; `file` names it in messages. Returns the job with every
 * default filled in, or throws a {@link JobFileError} listing every problem found as
 * `file:line:column: path: message`. Pure: reads nothing but its arguments.
 *
 * @example
 * parseJobFile('name: demo\nwindows:\n  - type: tumbling\n    size: ten\n', 'job.yaml');
 * // throws JobFileError: job.yaml:4:5: windows[0].size: expected a duration such as 10s, got "ten"
 */
export function parseJobFile(text: string, file: string): JobSpec {
  if (Buffer.byteLength(text) > MAX_JOB_FILE_BYTES) {
    throw new JobFileError(file, [
      {
        line: 0,
        column: 0,
        path: '',
        message: `is larger than ${MAX_JOB_FILE_BYTES} bytes: is it a job file?`,
      },
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new JobFileError(
      file,
      doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        const source = text.split('\n')[line - 1] ?? '';
        const hint = /\[[^\]]*\{/.test(source)
          ? ' (inside [ ], a { starts a map: quote text that holds one, e.g. ["sensors/{device}/telemetry"])'
          : '';
        return { line, column: col, path: '', message: yamlMessage(error.message) + hint };
      }),
    );
  }
  if (!isMap(doc.contents)) {
    const empty = doc.contents === null || (doc.contents as { value?: unknown }).value === null;
    throw new JobFileError(file, [
      {
        line: 1,
        column: 1,
        path: '',
        message: empty
          ? 'the job file is empty: it needs at least name and windows (see README.md, "Job files")'
          : `expected a map with at least name and windows, got ${isSeq(doc.contents) ? 'a list' : 'a single value'}`,
      },
    ]);
  }

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new JobFileError(file, [{ line: 1, column: 1, path: '', message: (error as Error).message }]);
  }
  const fail = (problems: readonly PathProblem[]): never => {
    const positioned: JobFileProblem[] = problems.map((p) => ({
      ...positionOf(doc, lineCounter, p.path),
      path: formatPath(p.path),
      message: p.message,
    }));
    positioned.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new JobFileError(file, positioned);
  };

  const problems = schemaProblems(JobFileSchema, raw);
  const windows = Array.isArray((raw as { windows?: unknown }).windows)
    ? ((raw as { windows: unknown[] }).windows as unknown[])
    : [];
  windows.forEach((window, i) => {
    const type = (window as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && type in WINDOW_SCHEMAS) {
      const schema = WINDOW_SCHEMAS[type as keyof typeof WINDOW_SCHEMAS];
      problems.push(...schemaProblems(schema, window, ['windows', i], `a ${type} window`));
    }
  });
  if (problems.length > 0) fail(problems);

  const checked = toJobSpec(raw as JobFile, windows as WindowFile[]);
  if ('problems' in checked) return fail(checked.problems);
  return checked.spec;
}

/** The yaml package's message without its own position suffix (the caller adds the position). */
function yamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}
