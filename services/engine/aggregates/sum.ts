import type { SnapshotAggregate } from './accumulator-snapshots.ts';

/** A compensated running sum (Neumaier): `sum + compensation` is the total. */
export interface SumAccumulator {
  sum: number;
  /** The low-order bits lost by `sum` so far. */
  compensation: number;
}

/**
 * The sum of `valueFrom(record)`, with Neumaier's compensated summation so that long windows of
 * values of mixed magnitude do not lose precision (`0.1` ten times is `1`, not `0.9999999999999999`).
 *
 * @example
 * const agg = sum((x: number) => x);
 * let acc = agg.createAccumulator();
 * for (const x of [1e16, 1, -1e16]) acc = agg.add(x, acc);
 * agg.getResult(acc); // 1 (a plain loop gives 0)
 */
export function sum<T>(valueFrom: (record: T) => number): SnapshotAggregate<T, SumAccumulator, number> {
  return {
    description: 'sum',
    createAccumulator: () => ({ sum: 0, compensation: 0 }),
    add(record, acc) {
      addTo(acc, valueFrom(record));
      return acc;
    },
    getResult: (acc) => acc.sum + acc.compensation,
    merge(a, b) {
      addTo(a, b.sum);
      addTo(a, b.compensation);
      return a;
    },
  };
}

function addTo(acc: SumAccumulator, x: number): void {
  const t = acc.sum + x;
  acc.compensation += Math.abs(acc.sum) >= Math.abs(x) ? acc.sum - t + x : x - t + acc.sum;
  acc.sum = t;
}
