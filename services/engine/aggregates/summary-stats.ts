import type { SnapshotAggregate } from './accumulator-snapshots.ts';

/** count, mean, min, max and (population) standard deviation of a window's values. */
export interface SummaryStats {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly stddev: number;
}

/**
 * Welford's running moments: numerically stable, mergeable (Chan et al.), five numbers per window:
 * `[count, mean, m2, min, max]` (indices `COUNT`…`MAX`). An array of numbers, which V8 stores as
 * one block of unboxed doubles: ~88 bytes per window, where an object with five number fields
 * takes ~128 (each double field is a heap number of its own) and five allocations to create.
 */
export type SummaryAccumulator = [count: number, mean: number, m2: number, min: number, max: number];

const COUNT = 0;
const MEAN = 1;
const M2 = 2;
const MIN = 3;
const MAX = 4;

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
): SnapshotAggregate<T, SummaryAccumulator, SummaryStats> {
  return {
    description: 'summary-stats',
    // the five numbers, copied: the accumulator is changed in place by later records
    snapshotAccumulator: (acc) => acc.slice(),
    restoreAccumulator: (data) => (data as SummaryAccumulator).slice() as SummaryAccumulator,
    createAccumulator: () => [0, 0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    add(record, acc) {
      const x = valueFrom(record);
      const count = acc[COUNT] + 1;
      const mean = acc[MEAN];
      const delta = x - mean;
      const next = mean + delta / count;
      acc[COUNT] = count;
      acc[MEAN] = next;
      acc[M2] += delta * (x - next);
      if (x < acc[MIN]) acc[MIN] = x;
      if (x > acc[MAX]) acc[MAX] = x;
      return acc;
    },
    getResult: (acc) => ({
      count: acc[COUNT],
      mean: acc[MEAN],
      min: acc[MIN],
      max: acc[MAX],
      stddev: acc[COUNT] > 0 ? Math.sqrt(acc[M2] / acc[COUNT]) : 0,
    }),
    merge(a, b) {
      const bCount = b[COUNT];
      if (bCount === 0) return a;
      const aCount = a[COUNT];
      if (aCount === 0) return [b[COUNT], b[MEAN], b[M2], b[MIN], b[MAX]];
      const count = aCount + bCount;
      const delta = b[MEAN] - a[MEAN];
      a[M2] += b[M2] + (delta * delta * aCount * bCount) / count;
      a[MEAN] += (delta * bCount) / count;
      a[COUNT] = count;
      a[MIN] = Math.min(a[MIN], b[MIN]);
      a[MAX] = Math.max(a[MAX], b[MAX]);
      return a;
    },
  };
}
