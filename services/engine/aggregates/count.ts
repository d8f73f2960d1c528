import type { SnapshotAggregate } from './accumulator-snapshots.ts';

/** How many records a window saw. */
export interface CountAccumulator {
  n: number;
}

/**
 * Counts records.
 *
 * @example
 * const agg = count<number>();
 * agg.getResult([1, 2, 3].reduce((acc, x) => agg.add(x, acc), agg.createAccumulator())); // 3
 */
export function count<T>(): SnapshotAggregate<T, CountAccumulator, number> {
  return {
    description: 'count',
    createAccumulator: () => ({ n: 0 }),
    add(_record, acc) {
      acc.n++;
      return acc;
    },
    getResult: (acc) => acc.n,
    merge(a, b) {
      a.n += b.n;
      return a;
    },
  };
}
