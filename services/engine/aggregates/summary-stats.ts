import type { AggregateFunction } from '../api/functions.ts';

/** count, mean, min, max and (population) standard deviation of a window's values. */
export interface SummaryStats {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly stddev: number;
}

/** Welford's running moments: numerically stable, mergeable (Chan et al.), five numbers per window. */
export interface SummaryAccumulator {
  count: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
}

/**
 * Incremental summary statistics of `valueFrom(record)`.
 *
 * @example
 * const agg = summaryStats((x: number) => x);
 * let acc = agg.createAccumulator();
 * for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) acc = agg.add(x, acc);
 * agg.getResult(acc); // { count: 8, mean: 5, min: 2, max: 9, stddev: 2 }
 */
export function summaryStats<T>(
  valueFrom: (record: T) => number,
): AggregateFunction<T, SummaryAccumulator, SummaryStats> {
  return {
    createAccumulator: () => ({
      count: 0,
      mean: 0,
      m2: 0,
      min: Number.POSITIVE_INFINITY,
      max: Number.NEGATIVE_INFINITY,
    }),
    add(record, acc) {
      const x = valueFrom(record);
      const count = acc.count + 1;
      const delta = x - acc.mean;
      acc.count = count;
      acc.mean += delta / count;
      acc.m2 += delta * (x - acc.mean);
      if (x < acc.min) acc.min = x;
      if (x > acc.max) acc.max = x;
      return acc;
    },
    getResult: (acc) => ({
      count: acc.count,
      mean: acc.mean,
      min: acc.min,
      max: acc.max,
      stddev: acc.count > 0 ? Math.sqrt(acc.m2 / acc.count) : 0,
    }),
    merge(a, b) {
      if (b.count === 0) return a;
      if (a.count === 0) return { ...b };
      const count = a.count + b.count;
      const delta = b.mean - a.mean;
      a.m2 += b.m2 + (delta * delta * a.count * b.count) / count;
      a.mean += (delta * b.count) / count;
      a.count = count;
      a.min = Math.min(a.min, b.min);
      a.max = Math.max(a.max, b.max);
      return a;
    },
  };
}
