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

describe('eddy start --max-future / --max-past', () => {
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

  it('shape the default job: a duration, or off; unset leaves the job default', async () => {
    await run('--max-future', '1h', '--max-past', '30d');
    await run('--max-future', 'off', '--max-past', 'off');
    await run();
    expect(started.map(({ maxFutureMs, maxPastMs }) => ({ maxFutureMs, maxPastMs }))).toEqual([
      { maxFutureMs: 3_600_000, maxPastMs: 2_592_000_000 },
      { maxFutureMs: 'off', maxPastMs: 'off' },
      { maxFutureMs: undefined, maxPastMs: undefined },
    ]);
  });

  it('refuse anything but a positive duration or off, naming the flag', async () => {
    await expect(run('--max-future', 'soon')).rejects.toThrow(/--max-future/);
    await expect(run('--max-past', '0s')).rejects.toThrow(/--max-past/);
    expect(stderr.join('')).toContain('expected a duration such as 5m or 1h, or off.');
    expect(started).toEqual([]);
  });

  it('with --job they are refused: the job file sets time.maxFuture and time.maxPast', async () => {
    await run('--job', 'plant.yaml', '--max-future', '1h');
    expect(stderr.join('')).toBe(
      '--max-future shapes the default job only: with --job, set windows and time in plant.yaml\n',
    );
    expect(process.exitCode).toBe(1);
    expect(started).toEqual([]);
  });
});
