import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StartOptions } from '../../../../services/server/start-options.ts';

/** What `eddy start` handed to `startEddy` (which fails at once, so nothing starts). */
const started: StartOptions[] = [];
vi.mock('../../../../services/server/eddy-server.ts', () => ({
  startEddy: async (options: StartOptions) => {
    started.push(options);
    throw new Error('not starting in a unit test');
  },
}));

const { startCommand } = await import('../../../../services/cli/commands/start.ts');

/** A job file in a temporary directory, with `extra` YAML appended. */
function jobFile(extra = ''): string {
  const path = join(mkdtempSync(join(tmpdir(), 'eddy-ttl-')), 'job.yaml');
  writeFileSync(path, `name: ttl\nwindows:\n  - { type: tumbling, size: 10s }\n${extra}`);
  return path;
}

describe('eddy start --state-ttl', () => {
  let stderr: string[];
  beforeEach(() => {
    started.length = 0;
    stderr = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      stderr.push(String(text));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  const run = (...args: string[]) =>
    startCommand()
      .exitOverride()
      .configureOutput({ writeErr: (text) => stderr.push(text) })
      .parseAsync([...args, '--log-level', 'fatal'], { from: 'user' });

  it('takes a duration or off; unset leaves the 24 h default', async () => {
    await run('--state-ttl', '6h');
    await run('--state-ttl', 'off');
    await run();
    expect(started.map((o) => o.stateTtlMs)).toEqual([21_600_000, 'off', undefined]);
  });

  it("is the TTL of a job file without state.ttl; a file's own state.ttl wins", async () => {
    await run('--job', jobFile(), '--state-ttl', '2h');
    await run('--job', jobFile('state: { ttl: 30m }\n'), '--state-ttl', '2h');
    expect(started.map((o) => o.job?.state)).toEqual([{ ttlMs: 7_200_000 }, { ttlMs: 1_800_000 }]);
  });

  it('refuses anything but a positive duration or off, naming the flag', async () => {
    await expect(run('--state-ttl', 'forever')).rejects.toThrow(/--state-ttl/);
    expect(stderr.join('')).toContain('expected a duration such as 5m or 1h, or off.');
    expect(started).toEqual([]);
  });
});
