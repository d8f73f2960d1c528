import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { AggregateFunction } from '../../../../services/engine/api/functions.ts';

/** A record with an event time, as the built-in aggregates see it. */
export interface TimedValue {
  readonly ts: number;
  readonly v: number;
}

export const valueFrom = (r: TimedValue) => r.v;
export const timeFrom = (r: TimedValue) => r.ts;

export function fold<ACC, R>(
  agg: AggregateFunction<TimedValue, ACC, R>,
  records: readonly TimedValue[],
): ACC {
  return records.reduce((acc, r) => agg.add(r, acc), agg.createAccumulator());
}

const timedValue = fc.record({
  ts: fc.integer({ min: 0, max: 1_000 }),
  v: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
});

/**
 * What every built-in aggregate promises: merging the accumulators of two halves gives the result
 * of folding the whole (so windows can merge and partial aggregates combine), merging an empty
 * accumulator changes nothing, and a fresh accumulator is not shared between windows.
 */
export function aggregateContract<ACC, R>(
  makeAggregate: () => AggregateFunction<TimedValue, ACC, R>,
  same: (merged: R, whole: R) => void = (merged, whole) => expect(merged).toEqual(whole),
): void {
  it('merging the accumulators of two parts equals folding the whole (property)', () => {
    const agg = makeAggregate();
    fc.assert(
      fc.property(fc.array(timedValue, { minLength: 1, maxLength: 200 }), fc.array(timedValue), (a, b) => {
        same(agg.getResult(agg.merge(fold(agg, a), fold(agg, b))), agg.getResult(fold(agg, [...a, ...b])));
      }),
      { numRuns: 200 },
    );
  });

  it('merging an empty accumulator, on either side, changes nothing', () => {
    const agg = makeAggregate();
    const records = [
      { ts: 3, v: 1.5 },
      { ts: 1, v: -2 },
      { ts: 2, v: 4 },
    ];
    const whole = agg.getResult(fold(agg, records));
    same(agg.getResult(agg.merge(fold(agg, records), agg.createAccumulator())), whole);
    same(agg.getResult(agg.merge(agg.createAccumulator(), fold(agg, records))), whole);
  });

  it('gives each window its own accumulator', () => {
    const agg = makeAggregate();
    const one = fold(agg, [{ ts: 1, v: 1 }]);
    const other = agg.createAccumulator();
    expect(other).not.toBe(one);
    same(agg.getResult(agg.add({ ts: 2, v: 7 }, other)), agg.getResult(fold(agg, [{ ts: 2, v: 7 }])));
    same(agg.getResult(one), agg.getResult(fold(agg, [{ ts: 1, v: 1 }])));
  });
}

/** Compares numbers with a relative tolerance (floating-point sums depend on the order of addition). */
export function closeTo(digits = 9) {
  return (merged: number, whole: number) => {
    if (Number.isNaN(whole)) expect(merged).toBeNaN();
    else expect(merged).toBeCloseTo(whole, Math.max(0, digits - Math.ceil(Math.log10(Math.abs(whole) + 1))));
  };
}
