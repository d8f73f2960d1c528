import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlidingEventTimeWindows } from '../../../../services/engine/windows/assigners/sliding-event-time-windows.ts';
import type { Emitted } from '../../../support/operator-harness.ts';
import { type Ev, windowHarness } from './window-test-kit.ts';

interface Params {
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
}

const params: fc.Arbitrary<Params> = fc
  .record({ size: fc.integer({ min: 1, max: 40 }), slide: fc.integer({ min: 1, max: 40 }) })
  .chain(({ size, slide }) =>
    fc.record({
      size: fc.constant(size),
      slide: fc.constant(slide),
      offset: fc.integer({ min: -(slide - 1), max: slide - 1 }),
    }),
  );

const records = fc.array(
  fc.record({
    key: fc.constantFrom('a', 'b', 'c'),
    ts: fc.integer({ min: -100, max: 300 }),
    value: fc.integer({ min: -5, max: 20 }),
  }),
  { maxLength: 120 },
);

/** Every window `[s, s + size)` with `s ≡ offset (mod slide)` that holds a record, summed per key, by brute force. */
function bruteForce(input: readonly { key: string; ts: number; value: number }[], p: Params): string[] {
  const sums = new Map<string, number>();
  for (const { key, ts, value } of input) {
    for (let start = ts - p.size + 1; start <= ts; start++) {
      if ((((start - p.offset) % p.slide) + p.slide) % p.slide !== 0) continue;
      const id = `${key}[${start}, ${start + p.size})=@${start + p.size - 1}`;
      sums.set(id, (sums.get(id) ?? 0) + value);
    }
  }
  return [...sums].map(([id, sum]) => id.replace('=@', `=${sum}@`)).sort();
}

function results(output: readonly Emitted<string>[]): string[] {
  return output
    .flatMap((o) => ('record' in o && !('side' in o) ? [`${o.record}@${o.timestamp}`] : []))
    .sort();
}

describe('sliding event-time windows, property', () => {
  it('equal a brute-force computation over random out-of-order streams', () => {
    fc.assert(
      fc.property(params, records, (p, input) => {
        const { h } = windowHarness({ assigner: SlidingEventTimeWindows.of<Ev>(p.size, p.slide, p.offset) });
        for (const r of input) h.element({ key: r.key, value: r.value }, r.ts);
        h.watermark(Number.MAX_SAFE_INTEGER);
        expect(results(h.output)).toEqual(bruteForce(input, p));
      }),
      { numRuns: 300 },
    );
  });

  it('fire each window once, in the watermark that reaches its end - 1, when watermarks interleave and nothing is late', () => {
    fc.assert(
      fc.property(params, records, (p, input) => {
        const { h, operator } = windowHarness({
          assigner: SlidingEventTimeWindows.of<Ev>(p.size, p.slide, p.offset),
        });
        for (let i = 0; i < input.length; i++) {
          const r = input[i]!;
          h.element({ key: r.key, value: r.value }, r.ts);
          // the highest watermark that makes none of the records still to come late
          const rest = input.slice(i + 1).map((x) => x.ts);
          if (rest.length > 0) h.watermark(Math.min(...rest) - 1);
        }
        h.watermark(Number.MAX_SAFE_INTEGER);
        expect(results(h.output)).toEqual(bruteForce(input, p));
        let previous = Number.NEGATIVE_INFINITY;
        const pending: number[] = [];
        for (const o of h.output) {
          if ('watermark' in o) {
            for (const ts of pending) expect(previous < ts && ts <= o.watermark).toBe(true);
            pending.length = 0;
            previous = o.watermark;
          } else pending.push(o.timestamp);
        }
        expect(pending).toEqual([]);
        expect(operator.metrics()).toMatchObject({ lateRecordsDropped: 0, stateKeys: 0, stateEntries: 0 });
      }),
      { numRuns: 300 },
    );
  });
});
