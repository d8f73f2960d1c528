import type { SnapshotAggregate } from './accumulator-snapshots.ts';

/** A value and the event time it was taken at (`ts` is ±Infinity before the first record). */
export interface TimedValueAccumulator {
  ts: number;
  value: number;
}

/**
 * The value with the earliest event time, whatever order records arrive in; among records with the
 * same time, the one that arrived first (in `merge`, `a`'s). `NaN` for a window without records.
 *
 * @example
 * const agg = first((r: { ts: number; v: number }) => r.v, (r) => r.ts);
 * let acc = agg.createAccumulator();
 * for (const r of [{ ts: 2, v: 20 }, { ts: 1, v: 10 }, { ts: 3, v: 30 }]) acc = agg.add(r, acc);
 * agg.getResult(acc); // 10
 */
export function first<T>(
  valueFrom: (record: T) => number,
  timeFrom: (record: T) => number,
): SnapshotAggregate<T, TimedValueAccumulator, number> {
  return {
    description: 'first',
    createAccumulator: () => ({ ts: Number.POSITIVE_INFINITY, value: Number.NaN }),
    add(record, acc) {
      const ts = timeFrom(record);
      if (ts < acc.ts) {
        acc.ts = ts;
        acc.value = valueFrom(record);
      }
      return acc;
    },
    getResult: (acc) => acc.value,
    merge(a, b) {
      if (b.ts < a.ts) {
        a.ts = b.ts;
        a.value = b.value;
      }
      return a;
    },
  };
}
