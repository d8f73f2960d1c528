import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CollectingSink } from '../../../../../services/engine/api/sinks/collecting-sink.ts';
import { runJob } from '../../../../../services/engine/runtime/parallel/run-job.ts';
import { ManualClock } from '../../../../../services/engine/time/clock.ts';
import type { Event } from './jobs/tumbling-job.ts';
import { ScriptedSource } from './support/scripted-source.ts';

const JOB = new URL('./jobs/tumbling-job.ts', import.meta.url);

/**
 * A keyed stream with out-of-order timestamps: mostly advancing time with disorder up to a few
 * windows (so some records are late and dropped; at most `maxDisorderMs` behind), a few negative values (filtered before the
 * keyBy), in source batches of random sizes.
 */
const stream = (maxDisorderMs = 60) =>
  fc
    .record({
      keys: fc.integer({ min: 1, max: 12 }),
      events: fc.array(
        fc.record({
          key: fc.nat(11),
          step: fc.integer({ min: 0, max: 4 }),
          // mostly within the 3 ms bound; one in five up to 6 windows behind (late unless allowed)
          disorder: fc.oneof(
            { arbitrary: fc.integer({ min: 0, max: Math.min(3, maxDisorderMs) }), weight: 4 },
            { arbitrary: fc.integer({ min: Math.min(4, maxDisorderMs), max: maxDisorderMs }), weight: 1 },
          ),
          value: fc.integer({ min: -2, max: 100 }),
        }),
        { minLength: 20, maxLength: 400 },
      ),
      batchSizes: fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 20 }),
      allowedLatenessMs: fc.constantFrom(0, 5),
    })
    .map(({ keys, events, batchSizes, allowedLatenessMs }) => {
      let time = 0;
      const all: Event[] = events.map((e) => {
        time += e.step;
        return { key: `k${e.key % keys}`, ts: Math.max(0, time - e.disorder), value: e.value };
      });
      const batches: Event[][] = [];
      for (let i = 0, b = 0; i < all.length; b++) {
        const size = batchSizes[b % batchSizes.length]!;
        batches.push(all.slice(i, i + size));
        i += size;
      }
      return { batches, allowedLatenessMs };
    });

async function run(
  parallelism: number,
  { batches, allowedLatenessMs }: { batches: Event[][]; allowedLatenessMs: number },
  /** Read the events with a split source (one split per subtask, each in its worker). */
  split = false,
) {
  const sink = new CollectingSink<string>('results');
  const late = new CollectingSink<Event>('late');
  const splitArgs = { split: { events: batches.flat(), batchSize: batches[0]?.length ?? 1 } };
  const job = await runJob({
    name: `equivalence-p${parallelism}`,
    module: JOB,
    args: { windowMs: 10, boundMs: 3, allowedLatenessMs, collectLate: true, ...(split ? splitArgs : {}) },
    parallelism,
    clock: new ManualClock(0),
    ...(split ? {} : { sources: { events: new ScriptedSource(batches) } }),
    sinks: { results: sink, late },
    channel: { batchSize: 16, capacity: 2 }, // small: exercises batching, credit and backpressure
  });
  await job.finished;
  const metrics = await job.refreshMetrics();
  const window = metrics.operators.find((o) => o.name === 'window(10ms)')!;
  return {
    results: [...sink.records].sort(),
    late: late.records.map((e) => `${e.key}@${e.ts}=${e.value}`).sort(),
    lateCounted: window.lateRecordsDropped,
    recordsIn: window.recordsIn,
  };
}

/** The last firing of each key's window (the one with the most records: firings only grow). */
function lastFirings(results: readonly string[]): string[] {
  const last = new Map<string, { n: number; line: string }>();
  for (const line of results) {
    const [, window, n] = /^(\S+) n=(\d+)/.exec(line)!;
    const seen = last.get(window!);
    if (!seen || Number(n) > seen.n) last.set(window!, { n: Number(n), line });
  }
  return [...last.values()].map((f) => f.line).sort();
}

describe('parallelism 1 and 4 give the same results', () => {
  it('for random keyed streams with out-of-order timestamps, late records included (fast-check)', async () => {
    let withLateRecords = 0;
    await fc.assert(
      fc.asyncProperty(stream(), async (input) => {
        const one = await run(1, input);
        const four = await run(4, input);
        if (one.late.length > 0) withLateRecords++;
        // The watermark comes from the one source task and reaches every subtask in band, at the
        // same place among each key's records as at parallelism 1: so lateness is the same too
        // (with a split source, each subtask's watermark would be the minimum over the splits,
        // which can only be behind: fewer late records, and windows firing later).
        expect(four).toEqual(one);
      }),
      { numRuns: 12 },
    );
    expect(withLateRecords).toBeGreaterThan(0); // the streams do exercise lateness
  }, 120_000);
});

describe('a split source: one split per subtask, the same results as the unsplit source', () => {
  it('without late records: parallelism 4 with 4 splits gives exactly what parallelism 1 does (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(stream(3), async (input) => {
        const one = await run(1, input, true);
        const four = await run(4, input, true);
        expect(one.late).toEqual([]); // disorder within the 3 ms bound: nothing is late
        expect(four).toEqual(one);
      }),
      { numRuns: 8 },
    );
  }, 120_000);

  it('with late records: a split only ever holds event time back, so no record is late that was not late unsplit', async () => {
    await fc.assert(
      fc.asyncProperty(stream(), async (input) => {
        const one = await run(1, input, true);
        const four = await run(4, input, true);
        // Each split's watermark is at most the unsplit source's at the same batch, and a subtask
        // takes the minimum over the splits: late at parallelism 4 implies late at parallelism 1.
        const lateOne = [...one.late];
        for (const event of four.late) {
          const at = lateOne.indexOf(event);
          expect(at, `${event} late only with splits`).toBeGreaterThanOrEqual(0);
          lateOne.splice(at, 1);
        }
        expect(four.recordsIn).toBe(one.recordsIn);
        if (one.late.length === 0) {
          expect(four.late).toEqual([]);
          // Every window ends with the same contents. Within the allowed lateness a window fires
          // again for each late record, and a held-back watermark fires it later, after more of
          // them arrived: fewer firings with splits, so only the last firing of each compares.
          expect(lastFirings(four.results)).toEqual(lastFirings(one.results));
          if (input.allowedLatenessMs === 0) expect(four).toEqual(one);
        }
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});
