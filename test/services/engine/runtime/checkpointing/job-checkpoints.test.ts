import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Source, SourceContext } from '../../../../../services/engine/api/source.ts';
import { MANIFEST_FILE } from '../../../../../services/engine/checkpoint/checkpoint-types.ts';
import { openSavepoint } from '../../../../../services/engine/checkpoint/savepoints.ts';
import { waitFor } from '../../../../support/wait-for.ts';
import { tempDir } from '../../checkpoint/fixtures.ts';
import { type Reading, readings, startTestJob, storeIn, uninterruptedOutput } from './checkpoint-test-kit.ts';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await tempDir()));
afterEach(() => remove());

const completed = (job: { checkpointStats(): { completed: number } | undefined }, n: number) =>
  waitFor(() => job.checkpointStats()!.completed >= n, { message: `${n} completed checkpoint(s)` });

/** Runs a first job to `pauseAt` records, checkpoints there, and ends it; returns what it flushed. */
async function checkpointAt(
  records: readonly Reading[],
  pauseAt: number,
  options: { extraStep?: boolean } = {},
) {
  const run = startTestJob({
    records,
    checkpointing: { store: storeIn(dir), intervalMs: 0 },
    pauseAt,
    ...options,
  });
  await waitFor(() => run.sink.records.length === pauseAt);
  await run.job.triggerCheckpoint();
  await run.job.stop();
  await run.started;
  return run;
}

describe('checkpoints at parallelism 1 (CollectionSource, ManualClock)', () => {
  it('takes periodic checkpoints: a task file and a manifest, the pause reported and logged', async () => {
    const records = readings(1_000);
    const run = startTestJob({
      records,
      checkpointing: { store: storeIn(dir), intervalMs: 1_000 },
      pauseAt: 300,
    });
    await waitFor(() => run.sink.records.length === 300);
    run.clock.advance(1_000);
    await completed(run.job, 1);
    run.sink.onWrite = () => run.sink.records.length === 600 && run.source.pause();
    run.source.resume();
    await waitFor(() => run.sink.records.length === 600);
    run.clock.advance(1_000);
    await completed(run.job, 2);

    const stats = run.job.checkpointStats()!;
    expect(stats).toMatchObject({ completed: 2, aborted: 0, last: { id: 2, kind: 'checkpoint', keys: 5 } });
    expect(stats.main).toMatchObject({ id: 2 });
    expect(stats.main!.pauseMs).toBeGreaterThanOrEqual(0);
    expect(stats.main!.slices).toBeGreaterThanOrEqual(1);
    expect(await readdir(dir)).toEqual(['chk-1', 'chk-2']);
    expect((await readdir(join(dir, 'chk-2'))).sort()).toEqual([MANIFEST_FILE, 'main.0.snap']);
    const manifest = JSON.parse(await readFile(join(dir, 'chk-2', MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({
      id: 2,
      kind: 'checkpoint',
      maxParallelism: 128,
      parallelism: 1,
      keys: 5,
    });
    expect(manifest.tasks[0]).toMatchObject({
      task: 'main',
      subtask: 0,
      operators: ['source#0', 'running-sum#1'],
    });
    const logged = run.lines.filter((line) => line.msg === 'checkpoint completed');
    expect(logged.map((line) => line.checkpoint)).toEqual([1, 2]);
    for (const line of logged) {
      expect(line).toMatchObject({ level: 30, kind: 'checkpoint', keys: 5 });
      for (const field of ['durationMs', 'bytes', 'pauseMs', 'longestSliceMs'])
        expect(line[field]).toBeTypeOf('number');
    }
    expect(run.sink.flushedAt).toEqual([300, 600]); // the sink flushed at each checkpoint, before more records

    run.source.resume();
    await run.started;
    await run.job.finished;
  });

  it('a failing sink flush declines the checkpoint; the next one completes', async () => {
    const run = startTestJob({
      records: readings(500),
      checkpointing: { store: storeIn(dir), intervalMs: 0 },
      pauseAt: 200,
    });
    await waitFor(() => run.sink.records.length === 200);
    run.sink.failNextFlush = new Error('disk full');
    await expect(run.job.triggerCheckpoint()).rejects.toThrow(
      /checkpoint 1 aborted: declined by main#0: a sink could not flush: disk full/,
    );
    expect(await readdir(dir)).toEqual([]);
    await run.job.triggerCheckpoint();
    expect(run.job.checkpointStats()).toMatchObject({ completed: 1, aborted: 1, last: { id: 2 } });
    run.source.resume();
    await run.started;
  });

  it('restores the latest checkpoint: the source replays from its offset, the output equals the uninterrupted run', async () => {
    const records = readings(1_000);
    const first = await checkpointAt(records, 700);
    expect(first.sink.flushedAt[0]).toBe(700);

    const store = storeIn(dir);
    const latest = await store.latest();
    const second = startTestJob({ records, checkpointing: { store, intervalMs: 0, restore: latest! } });
    await second.started;
    await second.job.finished;
    expect(second.sink.records).toEqual((await uninterruptedOutput(records)).slice(700));
    expect(second.lines.find((line) => line.msg === 'restored checkpoint')).toMatchObject({
      level: 30,
      checkpoint: 1,
      dir: join(dir, 'chk-1'),
    });
  });

  it('a source asking for a checkpoint gets one early, one in flight at a time', async () => {
    const source = new PushSource();
    const run = startTestJob({ records: [], source, checkpointing: { store: storeIn(dir), intervalMs: 0 } });
    await run.started;
    source.ctx.collectBatch(readings(50));
    source.ctx.requestCheckpoint!();
    source.ctx.requestCheckpoint!(); // the first is in flight: this one follows it
    await completed(run.job, 2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(run.job.checkpointStats()).toMatchObject({ completed: 2, skipped: 0, pending: undefined });
    expect(source.completed).toEqual([1, 2]);
    await run.job.stop();
  });

  it('a savepoint commits nothing: sources hear only of completed checkpoints', async () => {
    const source = new PushSource();
    const run = startTestJob({ records: [], source, checkpointing: { store: storeIn(dir), intervalMs: 0 } });
    await run.started;
    source.ctx.collectBatch(readings(20));
    await run.job.triggerCheckpoint();
    const savepoint = await run.job.triggerSavepoint(join(dir, 'savepoints', 'sp'));
    source.ctx.collectBatch(readings(20));
    await run.job.triggerCheckpoint();
    await new Promise((resolve) => setImmediate(resolve));
    expect(savepoint.manifest.id).toBe(2);
    expect(source.completed).toEqual([1, 3]);
    await run.job.stop();
  });

  it('stops with a savepoint and restores it: identical output', async () => {
    const records = readings(800);
    const first = startTestJob({
      records,
      checkpointing: { store: storeIn(dir), intervalMs: 0 },
      pauseAt: 400,
    });
    await waitFor(() => first.sink.records.length === 400);
    const target = join(dir, 'savepoints', 'sp-1');
    await first.job.stop({ savepoint: target });
    await first.started;
    expect(first.job.state).toBe('stopped');

    const savepoint = await openSavepoint(target);
    expect(savepoint.manifest).toMatchObject({ kind: 'savepoint', keys: 5 });
    const second = startTestJob({
      records,
      checkpointing: { store: storeIn(join(dir, 'other')), intervalMs: 0, restore: savepoint },
    });
    await second.started;
    await second.job.finished;
    expect(second.sink.records).toEqual((await uninterruptedOutput(records)).slice(400));
  });

  it('a restored watermark makes a replayed late record late, as in the run without a crash', async () => {
    const records = [...readings(100), { key: 'k1', ts: 1_000, value: 1_000 }, ...readings(200).slice(100)];
    const first = await checkpointAt(records, 100);
    const second = startTestJob({
      records,
      checkpointing: { store: storeIn(dir), intervalMs: 0, restore: (await storeIn(dir).latest())! },
    });
    await second.started;
    await second.job.finished;
    expect(first.sink.flushedAt[0]).toBe(100);
    expect(second.operator.late).toBe(1);
    expect(second.sink.records).toEqual((await uninterruptedOutput(records)).slice(100));
  });

  describe('refuses to restore what does not fit, saying why', () => {
    it('a state shape that changed names the operator and the difference', async () => {
      await checkpointAt(readings(100), 50);
      const latest = (await storeIn(dir).latest())!;
      const run = startTestJob({
        records: readings(100),
        shape: { state: 'running-sum', version: 2 },
        checkpointing: { store: storeIn(dir), restore: latest },
      });
      await expect(run.started).rejects.toThrow(
        /cannot restore operator "running-sum#1": its state changed shape since the snapshot \(version: saved 1, now 2\)/,
      );
      expect(run.job.state).toBe('failed');
    });

    it('state of an operator the job no longer has, unless allowed', async () => {
      await checkpointAt(readings(100), 50, { extraStep: true });
      const latest = (await storeIn(dir).latest())!;
      const refused = startTestJob({
        records: readings(100),
        checkpointing: { store: storeIn(dir), restore: latest },
      });
      await expect(refused.started).rejects.toThrow(
        /holds state of operators this job does not have \("second-sum#2"; the job has source#0, running-sum#1, sink#2\)/,
      );
      const allowed = startTestJob({
        records: readings(100),
        checkpointing: { store: storeIn(dir), restore: latest, allowNonRestoredState: true, intervalMs: 0 },
      });
      await allowed.started;
      await allowed.job.finished;
      expect(allowed.sink.records).toEqual((await uninterruptedOutput(readings(100))).slice(50));
      expect(
        allowed.lines.some((line) => line.level === 40 && /dropping state of "second-sum#2"/.test(line.msg)),
      ).toBe(true);
    });

    it('another maxParallelism', async () => {
      await checkpointAt(readings(100), 50);
      const latest = (await storeIn(dir).latest())!;
      const run = startTestJob({
        records: readings(100),
        maxParallelism: 64,
        checkpointing: { store: storeIn(dir), restore: latest },
      });
      await expect(run.started).rejects.toThrow(
        /taken with maxParallelism 128 and the job has 64; .*start the job with maxParallelism 128/,
      );
    });
  });
});

/** A source the test pushes into, recording completed checkpoints. */
class PushSource implements Source<Reading> {
  readonly name = 'push';
  ctx!: SourceContext<Reading>;
  readonly completed: number[] = [];
  async open(ctx: SourceContext<Reading>) {
    this.ctx = ctx;
  }
  async close() {}
  snapshotState() {
    return { pushed: true };
  }
  notifyCheckpointComplete(id: number) {
    this.completed.push(id);
  }
}
