import { open } from 'node:fs/promises';
import { JobFileError } from './job-file-error.ts';
import type { JobSpec } from './job-spec.ts';
import { MAX_JOB_FILE_BYTES, parseJobFile } from './parse-job-file.ts';

/**
 * Reads and checks a job file (see {@link parseJobFile}). A file that cannot be read is a
 * {@link JobFileError} too, so the caller reports every job-file failure the same way. Only a
 * regular file of at most {@link MAX_JOB_FILE_BYTES} is read: a FIFO or `/dev/zero` would never
 * end, a huge file would be read whole before being refused.
 *
 * @example
 * const spec = await loadJobFile('jobs/plant.yaml');
 */
export async function loadJobFile(path: string): Promise<JobSpec> {
  const problem = (message: string) => new JobFileError(path, [{ line: 0, column: 0, path: '', message }]);
  let text: string;
  try {
    const file = await open(path, 'r');
    try {
      const info = await file.stat();
      if (info.isDirectory()) throw problem('is a directory: give the path of a .yaml file');
      if (!info.isFile()) throw problem('is not a regular file: give the path of a .yaml file');
      if (info.size > MAX_JOB_FILE_BYTES) {
        throw problem(`is larger than ${MAX_JOB_FILE_BYTES} bytes: is it a job file?`);
      }
      text = await file.readFile('utf8');
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof JobFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw problem(
      code === 'ENOENT'
        ? 'no such file: check the path given to --job (or EDDY_JOB)'
        : code === 'EISDIR'
          ? 'is a directory: give the path of a .yaml file'
          : `cannot be read (${(error as Error).message})`,
    );
  }
  return parseJobFile(text, path);
}
