import type { SnapshotAggregate } from './accumulator-snapshots.ts';

/** Welford's running moments: count, mean and the sum of squared deviations `m2`. */
export interface StddevAccumulator {
  count: number;
  mean: number;
  m2: number;
}

/**
 * The population standard deviation of `valueFrom(record)` (divides by n, as `summaryStats` does):
 * numerically stable (Welford), mergeable (Chan et al.); `NaN` for a window without records.
 *
 * @example
 * const agg = stddev((x: number) => x);
 * agg.getResult([2, 4, 4, 4, 5, 5, 7, 9].reduce((acc, x) => agg.add(x, acc), agg.createAccumulator())); // 2
 */
export function stddev<T>(valueFrom: (record: T) => number): SnapshotAggregate<T, StddevAccumulator, number> {
  return {
    description: 'stddev',
    createAccumulator: () => ({ count: 0, mean: 0, m2: 0 }),
    add(record, acc) {
      const x = valueFrom(record);
      acc.count++;
      const delta = x - acc.mean;
      acc.mean += delta / acc.count;
      acc.m2 += delta * (x - acc.mean);
      return acc;
    },
    getResult: (acc) => (acc.count > 0 ? Math.sqrt(acc.m2 / acc.count) : Number.NaN),
    merge(a, b) {
      if (b.count === 0) return a;
      if (a.count === 0) return Object.assign(a, b);
      const count = a.count + b.count;
      const delta = b.mean - a.mean;
      a.m2 += b.m2 + (delta * delta * a.count * b.count) / count;
      a.mean += (delta * b.count) / count;
      a.count = count;
      return a;
    },
  };
}
