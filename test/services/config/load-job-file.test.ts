import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobFileError } from '../../../services/config/job-file-error.ts';
import { loadJobFile } from '../../../services/config/load-job-file.ts';

describe('loadJobFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-job-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and checks a job file, naming it in problems', async () => {
    const good = join(dir, 'good.yaml');
    await writeFile(good, 'name: good\nwindows:\n  - { type: tumbling, size: 5s }\n');
    expect((await loadJobFile(good)).windows[0]).toMatchObject({ type: 'tumbling', sizeMs: 5_000 });
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'name: bad\nwindows:\n  - { type: tumbling, size: 5 }\n');
    await expect(loadJobFile(bad)).rejects.toThrow(`${bad}:3:23: windows[0].size: expected a duration`);
  });

  it('says what to do when the file cannot be read', async () => {
    const missing = join(dir, 'missing.yaml');
    await expect(loadJobFile(missing)).rejects.toThrow(
      `${missing}: no such file: check the path given to --job (or EDDY_JOB)`,
    );
    await expect(loadJobFile(dir)).rejects.toBeInstanceOf(JobFileError);
    await expect(loadJobFile(dir)).rejects.toThrow(/is a directory/);
  });

  it('refuses a device or a huge file without reading it', async () => {
    await expect(loadJobFile('/dev/zero')).rejects.toThrow(
      '/dev/zero: is not a regular file: give the path of a .yaml file',
    );
    const huge = join(dir, 'huge.yaml');
    await writeFile(huge, `name: huge\n#${'x'.repeat(2 * 1024 * 1024)}\n`);
    await expect(loadJobFile(huge)).rejects.toThrow(
      `${huge}: is larger than 1048576 bytes: is it a job file?`,
    );
  });
});
