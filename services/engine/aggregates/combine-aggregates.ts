import type { AggregateFunction } from '../api/functions.ts';
import {
  describeAggregate,
  restoreAccumulator,
  type SnapshotAggregate,
  snapshotAccumulator,
  snapshotsOf,
} from './accumulator-snapshots.ts';

/** The result of a combined aggregate: one number per named field, e.g. `{ count: 3, p95: 21.5 }`. */
export type AggregateFields = Readonly<Record<string, number>>;

/** An aggregate whose result is a set of named fields (every member of a combination is one). */
// biome-ignore lint/suspicious/noExplicitAny: members have unrelated accumulator types
export type FieldsAggregate<T> = SnapshotAggregate<T, any, AggregateFields>;

/**
 * Several aggregates computed over the same records in one accumulator (an array holding each
 * member's accumulator); the result merges the members' fields, later members winning on a clash.
 * A single member is returned as it is, without the array around it.
 *
 * @example
 * const stats = combineAggregates<Reading>([
 *   field('count', count()),
 *   field('mean', mean((r) => r.value)),
 *   percentiles((r) => r.value, { p50: 0.5, p95: 0.95 }),
 * ]);
 * // stats.getResult(acc) → { count: 3, mean: 2, p50: 2, p95: 3 }
 */
export function combineAggregates<T>(members: readonly FieldsAggregate<T>[]): FieldsAggregate<T> {
  if (members.length === 0) throw new Error('combineAggregates needs at least one aggregate');
  if (members.length === 1) return members[0]!;
  const parts = [...members];
  const n = parts.length;
  return {
    description: parts.map((part) => describeAggregate(part)),
    createAccumulator: () => parts.map((part) => part.createAccumulator()),
    snapshotAccumulator: (acc: unknown[]) => parts.map((part, i) => snapshotAccumulator(part, acc[i])),
    restoreAccumulator: (data) => parts.map((part, i) => restoreAccumulator(part, (data as unknown[])[i])),
    add(record, acc: unknown[]) {
      for (let i = 0; i < n; i++) acc[i] = parts[i]!.add(record, acc[i]);
      return acc;
    },
    getResult(acc: unknown[]) {
      const result: Record<string, number> = {};
      for (let i = 0; i < n; i++) Object.assign(result, parts[i]!.getResult(acc[i]));
      return result;
    },
    merge(a: unknown[], b: unknown[]) {
      for (let i = 0; i < n; i++) a[i] = parts[i]!.merge(a[i], b[i]);
      return a;
    },
  };
}

/**
 * A single-number aggregate as a member of {@link combineAggregates}: its result becomes field `name`.
 *
 * @example
 * field('total', sum((r: Reading) => r.value)).getResult(acc); // { total: 42 }
 */
export function field<T, ACC>(
  name: string,
  aggregate: AggregateFunction<T, ACC, number>,
): SnapshotAggregate<T, ACC, AggregateFields> {
  return {
    ...snapshotsOf(aggregate),
    description: { [name]: describeAggregate(aggregate) },
    createAccumulator: aggregate.createAccumulator,
    add: aggregate.add,
    merge: aggregate.merge,
    getResult: (acc) => ({ [name]: aggregate.getResult(acc) }),
  };
}

/**
 * Keeps only `names` of an aggregate's fields (e.g. `count` and `mean` of `summaryStats`).
 *
 * @example
 * pick(summaryStats((r: Reading) => r.value), ['count', 'mean']).getResult(acc); // { count: 3, mean: 2 }
 */
export function pick<T, ACC, R extends object>(
  aggregate: AggregateFunction<T, ACC, R>,
  names: readonly (keyof R & string)[],
): SnapshotAggregate<T, ACC, AggregateFields> {
  const kept = [...names];
  return {
    ...snapshotsOf(aggregate),
    description: { pick: kept, of: describeAggregate(aggregate) },
    createAccumulator: aggregate.createAccumulator,
    add: aggregate.add,
    merge: aggregate.merge,
    getResult(acc) {
      const all = aggregate.getResult(acc) as Readonly<Record<string, unknown>>;
      const result: Record<string, number> = {};
      for (const name of kept) {
        const value = all[name];
        result[name] = typeof value === 'number' ? value : Number.NaN;
      }
      return result;
    },
  };
}
