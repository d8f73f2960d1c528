import { describe, expect, it } from 'vitest';
import { formatPath, JobFileError } from '../../../services/config/job-file-error.ts';

describe('JobFileError', () => {
  it('prints one problem per line, as compilers do (the doc example)', () => {
    const error = new JobFileError('job.yaml', [
      { line: 12, column: 5, path: 'windows[0].size', message: 'expected a duration such as 10s, got "ten"' },
      { line: 0, column: 0, path: '', message: 'no such file' },
    ]);
    expect(error.message).toBe(
      'job.yaml:12:5: windows[0].size: expected a duration such as 10s, got "ten"\njob.yaml: no such file',
    );
    expect(error.name).toBe('JobFileError');
  });

  it('lists at most 20 problems and counts the rest', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({
      line: i + 1,
      column: 1,
      path: 'x',
      message: 'bad',
    }));
    const lines = new JobFileError('job.yaml', many).message.split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe('job.yaml: and 5 more problems');
  });
});

describe('formatPath', () => {
  it('writes paths as a reader does', () => {
    expect(formatPath(['windows', 0, 'size'])).toBe('windows[0].size');
    expect(formatPath(['source', 'metrics', 'a b'])).toBe('source.metrics["a b"]');
    expect(formatPath([])).toBe('');
  });
});
