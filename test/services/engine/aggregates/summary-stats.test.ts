import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summaryStats } from '../../../../services/engine/aggregates/summary-stats.ts';

const agg = summaryStats((x: number) => x);
const fold = (xs: number[]) => xs.reduce((acc, x) => agg.add(x, acc), agg.createAccumulator());

describe('summaryStats', () => {
  it('computes the doc example', () => {
    expect(agg.getResult(fold([2, 4, 4, 4, 5, 5, 7, 9]))).toEqual({
      count: 8,
      mean: 5,
      min: 2,
      max: 9,
      stddev: 2,
    });
  });

  it('merging two halves equals folding the whole (property)', () => {
    const value = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(fc.array(value, { minLength: 1 }), fc.array(value), (a, b) => {
        const whole = agg.getResult(fold([...a, ...b]));
        const merged = agg.getResult(agg.merge(fold(a), fold(b)));
        expect(merged.count).toBe(whole.count);
        expect(merged.min).toBe(whole.min);
        expect(merged.max).toBe(whole.max);
        expect(merged.mean).toBeCloseTo(whole.mean, 4);
        expect(merged.stddev).toBeCloseTo(whole.stddev, 3);
      }),
    );
  });
});

describe('summaryStats accumulator', () => {
  it('is five numbers, count mean m2 min max, and merging into an empty one copies', () => {
    const acc = fold([1, 2, 3]);
    expect(acc).toEqual([3, 2, 2, 1, 3]);
    const merged = agg.merge(agg.createAccumulator(), acc);
    expect(merged).toEqual(acc);
    expect(merged).not.toBe(acc);
    expect(agg.getResult(agg.createAccumulator())).toEqual({
      count: 0,
      mean: 0,
      min: Number.POSITIVE_INFINITY,
      max: Number.NEGATIVE_INFINITY,
      stddev: 0,
    });
  });
});
