import type { SnapshotAggregate } from './accumulator-snapshots.ts';

/** Count and running mean (updated incrementally, so it never overflows). */
export interface MeanAccumulator {
  count: number;
  mean: number;
}

/**
 * The arithmetic mean of `valueFrom(record)`; `NaN` for a window without records.
 *
 * @example
 * const agg = mean((x: number) => x);
 * agg.getResult([1, 2, 6].reduce((acc, x) => agg.add(x, acc), agg.createAccumulator())); // 3
 */
export function mean<T>(valueFrom: (record: T) => number): SnapshotAggregate<T, MeanAccumulator, number> {
  return {
    description: 'mean',
    createAccumulator: () => ({ count: 0, mean: 0 }),
    add(record, acc) {
      acc.count++;
      acc.mean += (valueFrom(record) - acc.mean) / acc.count;
      return acc;
    },
    getResult: (acc) => (acc.count > 0 ? acc.mean : Number.NaN),
    merge(a, b) {
      if (b.count === 0) return a;
      const count = a.count + b.count;
      a.mean += ((b.mean - a.mean) * b.count) / count;
      a.count = count;
      return a;
    },
  };
}
