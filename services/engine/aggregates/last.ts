import type { SnapshotAggregate } from './accumulator-snapshots.ts';
import type { TimedValueAccumulator } from './first.ts';

/**
 * The value with the latest event time, whatever order records arrive in; among records with the
 * same time, the one that arrived last (in `merge`, `b`'s). `NaN` for a window without records.
 *
 * @example
 * const agg = last((r: { ts: number; v: number }) => r.v, (r) => r.ts);
 * let acc = agg.createAccumulator();
 * for (const r of [{ ts: 2, v: 20 }, { ts: 3, v: 30 }, { ts: 1, v: 10 }]) acc = agg.add(r, acc);
 * agg.getResult(acc); // 30
 */
export function last<T>(
  valueFrom: (record: T) => number,
  timeFrom: (record: T) => number,
): SnapshotAggregate<T, TimedValueAccumulator, number> {
  return {
    description: 'last',
    createAccumulator: () => ({ ts: Number.NEGATIVE_INFINITY, value: Number.NaN }),
    add(record, acc) {
      const ts = timeFrom(record);
      if (ts >= acc.ts) {
        acc.ts = ts;
        acc.value = valueFrom(record);
      }
      return acc;
    },
    getResult: (acc) => acc.value,
    merge(a, b) {
      if (b.ts >= a.ts) {
        a.ts = b.ts;
        a.value = b.value;
      }
      return a;
    },
  };
}
