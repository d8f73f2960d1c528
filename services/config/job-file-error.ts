/** One thing wrong with a job file, where it is (1-based line and column), and what to do. */
export interface JobFileProblem {
  /** 1-based; 0 for a problem with the file as a whole (it cannot be read), printed without a position. */
  readonly line: number;
  readonly column: number;
  /** Where in the job, as a reader writes it: `windows[0].size` (empty for the file as a whole). */
  readonly path: string;
  readonly message: string;
}

/** At most this many problems are listed; the rest are counted. */
const MAX_LISTED = 20;

/**
 * A job file that cannot run: every problem found, each on its own line as a compiler prints them,
 * `file:line:column: path: message`.
 *
 * @example
 * new JobFileError('job.yaml', [{ line: 12, column: 5, path: 'windows[0].size', message: 'expected a duration such as 10s, got "ten"' }]).message;
 * // 'job.yaml:12:5: windows[0].size: expected a duration such as 10s, got "ten"'
 */
export class JobFileError extends Error {
  override readonly name = 'JobFileError';

  constructor(
    readonly file: string,
    readonly problems: readonly JobFileProblem[],
  ) {
    super(formatProblems(file, problems));
  }
}

function formatProblems(file: string, problems: readonly JobFileProblem[]): string {
  const lines = problems.slice(0, MAX_LISTED).map((p) => {
    const where = p.line > 0 ? `${file}:${p.line}:${p.column}` : file;
    return `${where}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;
  });
  if (problems.length > MAX_LISTED) lines.push(`${file}: and ${problems.length - MAX_LISTED} more problems`);
  return lines.join('\n');
}

/**
 * A JSON pointer (`/windows/0/size`) or a list of keys as a reader writes the path:
 * `windows[0].size`; keys that are not plain words are quoted (`metrics["a b"]`).
 */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}
