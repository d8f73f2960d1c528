import type { SnapshotAggregate } from './accumulator-snapshots.ts';

/** The largest value so far (`-Infinity` before the first). */
export interface MaxAccumulator {
  value: number;
}

/**
 * The largest `valueFrom(record)`; `NaN` for a window without records.
 *
 * @example
 * const agg = max((x: number) => x);
 * agg.getResult([3, -1, 2].reduce((acc, x) => agg.add(x, acc), agg.createAccumulator())); // 3
 */
export function max<T>(valueFrom: (record: T) => number): SnapshotAggregate<T, MaxAccumulator, number> {
  return {
    description: 'max',
    createAccumulator: () => ({ value: Number.NEGATIVE_INFINITY }),
    add(record, acc) {
      const x = valueFrom(record);
      if (x > acc.value) acc.value = x;
      return acc;
    },
    getResult: (acc) => (acc.value === Number.NEGATIVE_INFINITY ? Number.NaN : acc.value),
    merge(a, b) {
      if (b.value > a.value) a.value = b.value;
      return a;
    },
  };
}
