import { expect } from 'vitest';
import { JobFileError } from '../../../../services/config/job-file-error.ts';
import { parseJobFile } from '../../../../services/config/parse-job-file.ts';

/**
 * The problems of a job file that must be refused, as printed: one `file:line:column: …` string
 * per line. Fails the test when the file is accepted or refused with another error.
 *
 * @example
 * expect(jobFileProblems('name: x\nwindows: []\n')).toContain('job.yaml:2:10: windows: …');
 */
export function jobFileProblems(text: string): string[] {
  try {
    parseJobFile(text, 'job.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(JobFileError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected the job file to be refused');
}
