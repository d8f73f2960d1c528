import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Source, SourceContext } from '../../../../../services/engine/api/source.ts';
import { waitFor } from '../../../../support/wait-for.ts';
import { tempDir } from '../../checkpoint/fixtures.ts';
import { type Reading, readings, startTestJob, storeIn, uninterruptedOutput } from './checkpoint-test-kit.ts';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await tempDir()));
afterEach(() => remove());

/** A source the test pushes records into; it records pause() and the checkpoints it hears of. */
class PushSource implements Source<Reading> {
  readonly name = 'push';
  ctx!: SourceContext<Reading>;
  paused = false;
  pushed = 0;
  readonly completed: number[] = [];
  async open(ctx: SourceContext<Reading>) {
    this.ctx = ctx;
  }
  async close() {}
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  push(records: readonly Reading[]) {
    this.pushed += records.length;
    this.ctx.collectBatch(records);
  }
  snapshotState() {
    return { pushed: this.pushed };
  }
  notifyCheckpointComplete(id: number) {
    this.completed.push(id);
  }
}

describe('stop({ finalCheckpoint: true })', () => {
  it('checkpoints the position of the last record: a restore replays nothing', async () => {
    const records = readings(1_000);
    const first = startTestJob({
      records,
      checkpointing: { store: storeIn(dir), intervalMs: 0 },
      pauseAt: 300,
    });
    await waitFor(() => first.sink.records.length === 300);
    await first.job.triggerCheckpoint(); // an earlier checkpoint at 300 ...
    first.sink.onWrite = () => first.sink.records.length === 650 && first.source.pause();
    first.source.resume();
    await waitFor(() => first.sink.records.length === 650);
    await first.job.stop({ finalCheckpoint: true }); // ... and the final one at 650
    await first.started;

    expect(first.job.state).toBe('stopped');
    expect(first.job.checkpointStats()).toMatchObject({ completed: 2, aborted: 0, last: { id: 2 } });
    expect(first.sink.flushedAt).toEqual([300, 650]); // flushed for each checkpoint, before it was acknowledged
    expect(
      first.lines.find((line) => line.msg === 'job test-job: final checkpoint 2 completed'),
    ).toBeDefined();

    const latest = await storeIn(dir).latest();
    expect(latest?.manifest.id).toBe(2);
    const second = startTestJob({
      records,
      checkpointing: { store: storeIn(dir), intervalMs: 0, restore: latest! },
    });
    await second.started;
    await second.job.finished;
    expect(second.sink.records).toEqual((await uninterruptedOutput(records)).slice(650));
  });

  it('pauses the sources before it, commits it (the sources hear of it), then stops', async () => {
    const source = new PushSource();
    const run = startTestJob({ records: [], source, checkpointing: { store: storeIn(dir), intervalMs: 0 } });
    await run.started;
    source.push(readings(40));
    const stopped = run.job.stop({ finalCheckpoint: true });
    expect(source.paused).toBe(true);
    expect(run.job.state).toBe('stopping');
    expect(run.job.stop()).toBe(stopped); // a second stop joins the first
    await stopped;
    expect(source.completed).toEqual([1]);
    expect(run.sink.records).toHaveLength(40);
    expect(run.sink.flushedAt[0]).toBe(40);
    expect(run.job.state).toBe('stopped');
  });

  it('stops anyway when the final checkpoint does not complete in time, with a warning', async () => {
    const source = new PushSource();
    const run = startTestJob({ records: [], source, checkpointing: { store: storeIn(dir), intervalMs: 0 } });
    await run.started;
    source.push(readings(10));
    let hanging = true;
    const flush = run.sink.flush.bind(run.sink);
    run.sink.flush = () => (hanging ? new Promise<void>(() => {}) : flush()); // the checkpoint's flush never ends
    const stopped = run.job.stop({ finalCheckpoint: true, finalCheckpointTimeoutMs: 5_000 });
    await waitFor(() => run.job.checkpointStats()?.pending !== undefined, {
      message: 'checkpoint 1 in flight',
    });
    hanging = false;
    run.clock.advance(4_999);
    expect(run.job.state).toBe('stopping');
    run.clock.advance(1);
    await stopped;

    expect(run.job.state).toBe('stopped');
    expect(source.completed).toEqual([]);
    expect(run.job.checkpointStats()).toMatchObject({ completed: 0 });
    const warning = run.lines.find((line) => line.level === 40 && /no final checkpoint/.test(line.msg));
    expect(warning?.msg).toMatch(/it did not complete within 5000 ms\); stopping without it/);
  });

  it('stops anyway when the final checkpoint fails: the previous checkpoint stays the latest', async () => {
    const source = new PushSource();
    const run = startTestJob({ records: [], source, checkpointing: { store: storeIn(dir), intervalMs: 0 } });
    await run.started;
    source.push(readings(10));
    await run.job.triggerCheckpoint();
    source.push(readings(20).slice(10));
    run.sink.failNextFlush = new Error('disk full');
    await run.job.stop({ finalCheckpoint: true });

    expect(run.job.state).toBe('stopped');
    expect(source.completed).toEqual([1]);
    expect(await readdir(dir)).toEqual(['chk-1']);
    const warning = run.lines.find((line) => line.level === 40 && /no final checkpoint/.test(line.msg));
    expect(warning?.msg).toMatch(
      /checkpoint 2 aborted: declined by main#0: a sink could not flush: disk full/,
    );
  });

  it('refuses drain with a final checkpoint (windows would be emitted twice); the job keeps running', async () => {
    const source = new PushSource();
    const run = startTestJob({ records: [], source, checkpointing: { store: storeIn(dir), intervalMs: 0 } });
    await run.started;
    await expect(run.job.stop({ finalCheckpoint: true, drain: true })).rejects.toThrow(
      /job test-job: stop with drain and finalCheckpoint together would emit the open windows twice/,
    );
    expect(run.job.state).toBe('running');
    source.push(readings(5));
    expect(run.sink.records).toHaveLength(5);
    await run.job.stop({ finalCheckpoint: true });
    expect(source.completed).toEqual([1]);
  });
});
