import type { AggregateFunction } from '../api/functions.ts';
import { copyPlain } from '../state/copy-plain.ts';

/**
 * What an aggregate may add so that checkpoints carry its accumulators (all optional):
 * - `snapshotAccumulator(acc)`: plain data (numbers, strings, arrays, plain objects, `Map`...) that
 *   shares nothing with `acc`, which keeps changing after the snapshot. Needed when the accumulator
 *   is not plain data (a class instance: the percentiles' t-digest); otherwise a deep copy is made.
 * - `restoreAccumulator(data)`: the accumulator back from that data (default: a deep copy of it).
 * - `description`: JSON naming what the aggregate computes (`['count', 'mean', 'p95']`): part of a
 *   window operator's state shape, so state of another aggregate is refused on restore.
 *
 * @example
 * const agg = summaryStats((r: Reading) => r.value);
 * const saved = snapshotAccumulator(agg, acc); // [3, 2.5, 1.2, 1, 4], a copy
 * const back = restoreAccumulator(agg, saved);  // an accumulator equal to acc, not the same array
 */
export interface AccumulatorSnapshots<ACC> {
  snapshotAccumulator?(accumulator: ACC): unknown;
  restoreAccumulator?(data: unknown): ACC;
  readonly description?: unknown;
}

/** An aggregate that may carry {@link AccumulatorSnapshots} (every built-in one does). */
export type SnapshotAggregate<IN, ACC, OUT> = AggregateFunction<IN, ACC, OUT> & AccumulatorSnapshots<ACC>;

/** `accumulator` as plain data sharing nothing with it: the aggregate's own form, else a deep copy. */
export function snapshotAccumulator<ACC>(
  aggregate: AggregateFunction<never, ACC, unknown>,
  accumulator: ACC,
): unknown {
  const own = (aggregate as AccumulatorSnapshots<ACC>).snapshotAccumulator;
  return own === undefined ? copyPlain(accumulator) : own(accumulator);
}

/** The accumulator that {@link snapshotAccumulator} saved as `data` (a fresh object). */
export function restoreAccumulator<ACC>(
  aggregate: AggregateFunction<never, ACC, unknown>,
  data: unknown,
): ACC {
  const own = (aggregate as AccumulatorSnapshots<ACC>).restoreAccumulator;
  return own === undefined ? (copyPlain(data) as ACC) : own(data);
}

/** What the aggregate says it computes, for state shapes; `'custom'` when it says nothing. */
export function describeAggregate(aggregate: AggregateFunction<never, unknown, unknown>): unknown {
  return (aggregate as AccumulatorSnapshots<unknown>).description ?? 'custom';
}

/**
 * The snapshot members of an aggregate whose accumulator is that of `inner` (a wrapper such as
 * `field` or `pick` that reuses it): spread them into the wrapper.
 */
export function snapshotsOf<ACC>(inner: AggregateFunction<never, ACC, unknown>): AccumulatorSnapshots<ACC> {
  const { snapshotAccumulator, restoreAccumulator } = inner as AccumulatorSnapshots<ACC>;
  return {
    ...(snapshotAccumulator === undefined ? {} : { snapshotAccumulator }),
    ...(restoreAccumulator === undefined ? {} : { restoreAccumulator }),
  };
}
