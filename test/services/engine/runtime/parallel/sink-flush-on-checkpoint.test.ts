import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sink } from '../../../../../services/engine/api/sink.ts';
import { runJob } from '../../../../../services/engine/runtime/parallel/run-job.ts';
import { ManualClock } from '../../../../../services/engine/time/clock.ts';
import { tempDir } from '../../checkpoint/fixtures.ts';
import { storeIn } from '../checkpointing/checkpoint-test-kit.ts';
import type { Event } from './jobs/tumbling-job.ts';
import { ScriptedSource } from './support/scripted-source.ts';
import { noThreadsLeft } from './support/threads.ts';

const JOB = new URL('./jobs/tumbling-job.ts', import.meta.url);

/** A sink that counts its flushes and the records it had when each flush was called. */
function countingSink(): Sink<unknown> & { records: number; flushes: number[] } {
  const sink = {
    name: 'counting',
    records: 0,
    flushes: [] as number[],
    open: async () => {},
    write: () => {
      sink.records++;
    },
    flush: async () => {
      sink.flushes.push(sink.records);
    },
    close: async () => {},
  };
  return sink;
}

describe('checkpoints at parallelism 2 and the main thread sinks', () => {
  let dir: { dir: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('flush the sink fed by the subtasks once the barrier came through them, before the checkpoint completes', async () => {
    const batches: Event[][] = Array.from({ length: 10 }, (_, b) =>
      Array.from({ length: 10 }, (_, i) => ({ key: `k${i % 3}`, ts: b * 10 + i, value: 1 })),
    );
    const source = new ScriptedSource(batches, { end: false });
    const sink = countingSink();
    const job = await runJob({
      name: 'sink-flush',
      module: JOB,
      args: { windowMs: 1, boundMs: 0 },
      parallelism: 2,
      clock: new ManualClock(0),
      sources: { events: source },
      sinks: { results: sink },
      checkpointing: { store: storeIn(dir.dir), intervalMs: 0 },
    });
    while (source.batchesHanded < batches.length) await new Promise((resolve) => setImmediate(resolve));
    await job.triggerCheckpoint(); // its barrier follows all 100 records
    // One window of 1 ms per record, each closed by the next record's watermark: 99 results came
    // before the barrier, and the checkpoint completed only after a flush that had them all.
    expect(sink.flushes.at(-1)).toBe(99);
    await job.stop();
    await noThreadsLeft();
  }, 30_000);
});
