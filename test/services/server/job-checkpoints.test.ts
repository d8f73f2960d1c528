import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SavepointExistsError } from '../../../services/api/routes/savepoints.ts';
import { CheckpointError } from '../../../services/engine/checkpoint/checkpoint-errors.ts';
import { CheckpointStore } from '../../../services/engine/checkpoint/checkpoint-store.ts';
import type { CompletedCheckpoint } from '../../../services/engine/checkpoint/checkpoint-types.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import {
  type JobCheckpoints,
  type SavepointTarget,
  savepointTaker,
  sessionClientId,
  withRestoreRemedy,
} from '../../../services/server/job-checkpoints.ts';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

describe('job checkpoints of eddy start', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-job-checkpoints-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const checkpointsIn = (path: string): JobCheckpoints => ({
    store: new CheckpointStore({ dir: path }),
    intervalMs: 5_000,
    savepointDir: join(dir, 'savepoints'),
    restore: { dir: join(path, 'chk-3'), manifest: {} as CompletedCheckpoint['manifest'] },
  });

  it('names the MQTT session after the job and the installation: stable across restarts, distinct between two', () => {
    const a = sessionClientId('window-aggregates', checkpointsIn('/srv/a/checkpoints'));
    expect(a).toMatch(/^eddy-window-aggregates-[0-9a-f]{8}$/);
    expect(sessionClientId('window-aggregates', checkpointsIn('/srv/a/checkpoints'))).toBe(a);
    expect(sessionClientId('window-aggregates', checkpointsIn('/srv/b/checkpoints'))).not.toBe(a);
    expect(sessionClientId('plant stats/2', checkpointsIn('/srv/a/checkpoints'))).toMatch(
      /^eddy-plant_stats_2-[0-9a-f]{8}$/,
    );
  });

  it('adds how to start anyway to a restore that does not fit the job, and leaves other errors alone', () => {
    const checkpoints = checkpointsIn(join(dir, 'checkpoints'));
    const unknown = withRestoreRemedy(
      new CheckpointError(
        'EDDY_UNKNOWN_OPERATOR_STATE',
        'cannot restore checkpoint 3: it holds state of "x"',
      ),
      checkpoints,
    ) as CheckpointError;
    expect(unknown.code).toBe('EDDY_UNKNOWN_OPERATOR_STATE');
    expect(unknown.message).toContain('--allow-non-restored-state drops that state');
    expect(unknown.message).toContain('another --checkpoint-dir');
    const shape = withRestoreRemedy(
      new CheckpointError('EDDY_INCOMPATIBLE_STATE', 'changed shape'),
      checkpoints,
    );
    expect((shape as Error).message).toMatch(/changed shape\. Eddy restores .*chk-3 on start/);
    expect((shape as Error).message).not.toContain('--allow-non-restored-state');
    const other = new Error('port in use');
    expect(withRestoreRemedy(other, checkpoints)).toBe(other);
  });

  it('takes named savepoints under the savepoint dir, refuses a taken name, and stops on request', async () => {
    const calls: string[] = [];
    const manifest = {
      id: 4,
      totalBytes: 1_234,
      keys: 10,
      durationMs: 12,
    } as CompletedCheckpoint['manifest'];
    const job: SavepointTarget = {
      triggerSavepoint: async (target) => {
        calls.push(`savepoint ${target}`);
        return { dir: target, manifest };
      },
      stop: async ({ savepoint }) => {
        calls.push(`stop ${savepoint}`);
      },
    };
    const stops: string[] = [];
    const taker = savepointTaker(job, join(dir, 'savepoints'), new ManualClock(T0), (reason) =>
      stops.push(reason),
    );
    expect(await taker.savepoint('before-upgrade')).toEqual({
      id: 4,
      path: join(dir, 'savepoints', 'before-upgrade'),
      bytes: 1_234,
      keys: 10,
      durationMs: 12,
    });
    expect((await taker.savepoint()).path).toBe(
      join(dir, 'savepoints', 'savepoint-2026-11-24T12-00-00.000Z'),
    );
    await mkdir(join(dir, 'savepoints', 'kept'), { recursive: true });
    await expect(taker.savepoint('kept')).rejects.toBeInstanceOf(SavepointExistsError);
    expect(calls).toEqual([
      `savepoint ${join(dir, 'savepoints', 'before-upgrade')}`,
      `savepoint ${join(dir, 'savepoints', 'savepoint-2026-11-24T12-00-00.000Z')}`,
    ]);
    expect(stops).toEqual([]);
  });
});
