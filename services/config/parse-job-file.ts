import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { formatPath, JobFileError, type JobFileProblem } from './job-file-error.ts';
import { type JobFile, JobFileSchema, WINDOW_SCHEMAS } from './job-file-schema.ts';
import type { JobSpec } from './job-spec.ts';
import { type PathProblem, schemaProblems } from './schema-problems.ts';
import { toJobSpec, type WindowFile } from './to-job-spec.ts';
import { duplicateKeyOffsets } from './yaml-duplicate-keys.ts';
import { valueNestingProblem, yamlNestingProblem } from './yaml-nesting.ts';
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
  const nesting = yamlNestingProblem(text);
  if (nesting !== undefined) {
    // Nothing is parsed yet: count the lines up to the offending token.
    const before = text.slice(0, nesting.offset);
    const line = before.split('\n').length;
    const column = nesting.offset - before.lastIndexOf('\n');
    throw new JobFileError(file, [
      { line, column, path: '', message: `${nesting.message}: a job file is a few levels deep` },
    ]);
  }
  // Duplicate keys are found by duplicateKeyOffsets: the package's own check is quadratic.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  // An unknown tag (`!!js/function`, `!!binary`) is only a warning to the yaml package: the value
  // stays plain text, nothing is ever run. A job file has no use for tags: refuse them.
  const yamlProblems: { offset: number; code: string; message: string }[] = [
    ...doc.errors,
    ...doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED'),
  ].map((e) => ({ offset: e.pos[0], code: e.code, message: e.message }));
  for (const offset of duplicateKeyOffsets(doc)) {
    yamlProblems.push({ offset, code: 'DUPLICATE_KEY', message: 'Map keys must be unique' });
  }
  if (yamlProblems.length > 0) {
    yamlProblems.sort((a, b) => a.offset - b.offset);
    let lines: string[] | undefined;
    throw new JobFileError(
      file,
      yamlProblems.map((error) => {
        const { line, col } = lineCounter.linePos(error.offset);
        lines ??= text.split('\n');
        const hint = opensMapInsideList(lines[line - 1] ?? '')
          ? ' (inside [ ], a { starts a map: quote text that holds one, e.g. ["sensors/{device}/telemetry"])'
          : '';
        const tag = error.code === 'TAG_RESOLVE_FAILED' ? ': a job file uses plain YAML, without tags' : '';
        return { line, column: col, path: '', message: yamlMessage(error.message) + tag + hint };
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
  // Aliases can nest a value in itself, or stack anchored values deeper than the text shows.
  const aliasProblem = valueNestingProblem(raw);
  if (aliasProblem !== undefined) {
    throw new JobFileError(file, [{ line: 1, column: 1, path: '', message: aliasProblem }]);
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

  const problems = checkedAgainst(JobFileSchema, raw, [], undefined);
  const windows = Array.isArray((raw as { windows?: unknown }).windows)
    ? ((raw as { windows: unknown[] }).windows as unknown[])
    : [];
  windows.forEach((window, i) => {
    const type = (window as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && type in WINDOW_SCHEMAS) {
      const schema = WINDOW_SCHEMAS[type as keyof typeof WINDOW_SCHEMAS];
      problems.push(...checkedAgainst(schema, window, ['windows', i], `a ${type} window`));
    }
  });
  if (problems.length > 0) fail(problems);

  const checked = toJobSpec(raw as JobFile, windows as WindowFile[]);
  if ('problems' in checked) return fail(checked.problems);
  return checked.spec;
}

/**
 * The schema's problems with `value`; never none when the schema refuses it. TypeBox stops after 8
 * errors, and a map with 8 unknown keys fills them with entries `schemaProblems` does not word (its
 * summary of the unknown keys comes last): such a value still fails, with a problem that says so.
 */
function checkedAgainst(
  schema: TSchema,
  value: unknown,
  at: readonly (string | number)[],
  what: string | undefined,
): PathProblem[] {
  const problems = schemaProblems(schema, value, at, what);
  if (problems.length === 0 && !Value.Check(schema, value)) {
    problems.push({
      path: at,
      message: `has keys or values ${what ?? 'a job file'} cannot have (8 or more unknown keys?): compare it with README.md, "Job files"`,
    });
  }
  return problems;
}

/** Whether a `{` follows a `[` with no `]` between them on this line (linear: lines may be long). */
function opensMapInsideList(line: string): boolean {
  const open = line.indexOf('[');
  if (open < 0) return false;
  let inList = false;
  for (let i = open; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x5b /* [ */) inList = true;
    else if (c === 0x5d /* ] */) inList = false;
    else if (c === 0x7b /* { */ && inList) return true;
  }
  return false;
}

/** The yaml package's message without its own position suffix (the caller adds the position). */
function yamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}
