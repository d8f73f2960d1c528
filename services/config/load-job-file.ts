import { readFile } from 'node:fs/promises';
import { JobFileError } from './job-file-error.ts';
import type { JobSpec } from './job-spec.ts';
import { parseJobFile } from './parse-job-file.ts';

/**
 * Reads and checks a job file (see {@link parseJobFile}). A file that cannot be read is a
 * {@link JobFileError} too, so the caller reports every job-file failure the same way.
 *
 * @example
 * const spec = await loadJobFile('jobs/plant.yaml');
 */
export async function loadJobFile(path: string): Promise<JobSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file: check the path given to --job (or EDDY_JOB)'
        : code === 'EISDIR'
          ? 'is a directory: give the path of a .yaml file'
          : `cannot be read (${(error as Error).message})`;
    throw new JobFileError(path, [{ line: 0, column: 0, path: '', message: reason }]);
  }
  return parseJobFile(text, path);
}
