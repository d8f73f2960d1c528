import type { SnapshotAggregate } from './accumulator-snapshots.ts';

/** The smallest value so far (`+Infinity` before the first). */
export interface MinAccumulator {
  value: number;
}

/**
 * The smallest `valueFrom(record)`; `NaN` for a window without records.
 *
 * @example
 * const agg = min((x: number) => x);
 * agg.getResult([3, -1, 2].reduce((acc, x) => agg.add(x, acc), agg.createAccumulator())); // -1
 */
export function min<T>(valueFrom: (record: T) => number): SnapshotAggregate<T, MinAccumulator, number> {
  return {
    description: 'min',
    createAccumulator: () => ({ value: Number.POSITIVE_INFINITY }),
    add(record, acc) {
      const x = valueFrom(record);
      if (x < acc.value) acc.value = x;
      return acc;
    },
    getResult: (acc) => (acc.value === Number.POSITIVE_INFINITY ? Number.NaN : acc.value),
    merge(a, b) {
      if (b.value < a.value) a.value = b.value;
      return a;
    },
  };
}
