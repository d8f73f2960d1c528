import { describe, expect, it } from 'vitest';
import type { Sink } from '../../../../../services/engine/api/sink.ts';
import type { SourceContext } from '../../../../../services/engine/api/source.ts';
import { CollectionSource } from '../../../../../services/engine/api/sources/collection-source.ts';
import { runJob } from '../../../../../services/engine/runtime/parallel/run-job.ts';
import { type Clock, ManualClock } from '../../../../../services/engine/time/clock.ts';
import { waitFor } from '../../../../support/wait-for.ts';
import type { Event } from '../../runtime/parallel/jobs/tumbling-job.ts';

/** Records what a source hands over; `onBatch` runs inside `collectBatch` (where the runtime pauses). */
class RecordingContext<T> implements SourceContext<T> {
  readonly batches: T[][] = [];
  ended = false;
  onBatch: (index: number) => void = () => {};
  readonly clock: Clock = new ManualClock(0);

  collect(record: T): void {
    this.collectBatch([record]);
  }

  collectBatch(records: readonly T[], from = 0, to = records.length): void {
    this.batches.push(records.slice(from, to));
    this.onBatch(this.batches.length - 1);
  }

  endOfInput(): void {
    this.ended = true;
  }
}

/** Tracks whether a promise settled, without awaiting it. */
function track(promise: Promise<void>): { settled: boolean } {
  const state = { settled: false };
  void promise.then(() => {
    state.settled = true;
  });
  return state;
}

const RECORDS = Array.from({ length: 10 }, (_, i) => i);

describe('CollectionSource', () => {
  it('never paused, emits everything synchronously inside open()', () => {
    const ctx = new RecordingContext<number>();
    void new CollectionSource(RECORDS, { batchSize: 4 }).open(ctx);
    expect(ctx.batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(ctx.ended).toBe(true);
  });

  it('paused during a batch, emits nothing more until resumed, then goes on where it stopped', async () => {
    const source = new CollectionSource(RECORDS, { batchSize: 4 });
    const ctx = new RecordingContext<number>();
    ctx.onBatch = (index) => {
      if (index === 0) source.pause();
    };
    const open = track(source.open(ctx));
    await new Promise((resolve) => setImmediate(resolve)); // give it every chance to go on
    expect(ctx.batches).toEqual([[0, 1, 2, 3]]);
    expect(ctx.ended).toBe(false);
    expect(open.settled).toBe(false);

    source.resume();
    await waitFor(() => open.settled, { message: 'open() to finish after resume' });
    expect(ctx.batches.flat()).toEqual(RECORDS);
    expect(ctx.ended).toBe(true);
  });

  it('paused after its last batch, ends the input only once resumed', async () => {
    const source = new CollectionSource(RECORDS, { batchSize: 10 });
    const ctx = new RecordingContext<number>();
    ctx.onBatch = () => source.pause();
    const open = track(source.open(ctx));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ctx.ended).toBe(false);
    source.resume();
    await waitFor(() => open.settled, { message: 'open() to finish after resume' });
    expect(ctx.ended).toBe(true);
  });

  it('paused before open(), emits nothing until resumed', async () => {
    const source = new CollectionSource(RECORDS, { batchSize: 5 });
    const ctx = new RecordingContext<number>();
    source.pause();
    const open = track(source.open(ctx));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ctx.batches).toEqual([]);
    source.resume();
    await waitFor(() => open.settled, { message: 'open() to finish after resume' });
    expect(ctx.batches).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ]);
  });

  it('closed while paused, open() returns without emitting more or ending the input', async () => {
    const source = new CollectionSource(RECORDS, { batchSize: 2 });
    const ctx = new RecordingContext<number>();
    ctx.onBatch = () => source.pause();
    const opened = source.open(ctx);
    await source.close();
    await opened;
    expect(ctx.batches).toEqual([[0, 1]]);
    expect(ctx.ended).toBe(false);
    source.resume(); // after close: harmless
    expect(ctx.batches).toEqual([[0, 1]]);
  });

  it('a resume with nothing waiting changes nothing', () => {
    const source = new CollectionSource(RECORDS, { batchSize: 5 });
    source.resume();
    const ctx = new RecordingContext<number>();
    void source.open(ctx);
    expect(ctx.batches).toHaveLength(2);
    expect(ctx.ended).toBe(true);
  });

  it('is paused by a slow subtask at parallelism 2, and every record still arrives', async () => {
    const events: Event[] = Array.from({ length: 400 }, (_, i) => ({ key: `k${i % 4}`, ts: i, value: 1 }));
    const source = new CollectionSource(events, { batchSize: 10 });
    const results: string[] = [];
    const sink: Sink<unknown> = {
      name: 'collect',
      open: async () => {},
      write: (record) => void results.push(String(record)),
      flush: async () => {},
      close: async () => {},
    };
    const job = await runJob({
      name: 'collection-backpressure',
      module: new URL('../../runtime/parallel/jobs/tumbling-job.ts', import.meta.url),
      args: { windowMs: 100, boundMs: 0, slowMs: 0.2 },
      parallelism: 2,
      clock: new ManualClock(0),
      sources: { events: source },
      sinks: { results: sink },
      channel: { batchSize: 8, capacity: 2 },
    });
    await job.finished;
    const metrics = await job.refreshMetrics();
    expect(metrics.sources[0]).toMatchObject({ recordsOut: 400, paused: false });
    expect(metrics.sources[0]?.pauses).toBeGreaterThan(0);
    // Ignoring the pause, it would have pushed all 400 records into one pending batch.
    for (const channel of metrics.channels ?? []) expect(channel.largestBatch).toBeLessThan(8 + 10);
    expect(results.sort()).toEqual(
      ['k0', 'k1', 'k2', 'k3']
        .flatMap((k) => [0, 100, 200, 300].map((start) => `${k}[${start},${start + 100}) n=25 sum=25`))
        .sort(),
    );
  }, 20_000);

  it('splits: split i of n reads batches i, i + n, … of the unsplit source, together every record once', async () => {
    const records = Array.from({ length: 23 }, (_, i) => i);
    const source = new CollectionSource(records, { batchSize: 5 });
    const splits = await Promise.all(
      [0, 1, 2].map(async (index) => {
        const ctx = new RecordingContext<number>();
        await source.createSplit({ index, count: 3 }).open(ctx);
        expect(ctx.ended).toBe(true);
        return ctx.batches;
      }),
    );
    expect(splits).toEqual([
      [
        [0, 1, 2, 3, 4],
        [15, 16, 17, 18, 19],
      ],
      [
        [5, 6, 7, 8, 9],
        [20, 21, 22],
      ],
      [[10, 11, 12, 13, 14]],
    ]);
    const only = new RecordingContext<number>();
    await source.createSplit({ index: 0, count: 1 }).open(only);
    expect(only.batches.flat()).toEqual(records);
  });
});
