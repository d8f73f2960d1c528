import type { SnapshotAggregate } from './accumulator-snapshots.ts';
import { DEFAULT_SKETCH_DELTA, QuantileSketch } from './quantile-sketch.ts';

/** A quantile sketch, created on the first record (an empty window costs nothing). */
export interface PercentilesAccumulator {
  sketch: QuantileSketch | undefined;
}

/**
 * Several percentiles of `valueFrom(record)` from one mergeable t-digest (see {@link QuantileSketch}):
 * `quantiles` names each output field and gives its quantile in [0, 1]. Every field is `NaN` for a
 * window without records.
 *
 * @example
 * const agg = percentiles((x: number) => x, { p50: 0.5, p95: 0.95 });
 * let acc = agg.createAccumulator();
 * for (let i = 1; i <= 100; i++) acc = agg.add(i, acc);
 * agg.getResult(acc); // { p50: ≈ 50.5, p95: ≈ 95.5 }
 */
export function percentiles<T, N extends string>(
  valueFrom: (record: T) => number,
  quantiles: Readonly<Record<N, number>>,
  delta = DEFAULT_SKETCH_DELTA,
): SnapshotAggregate<T, PercentilesAccumulator, Record<N, number>> {
  const entries = Object.entries(quantiles) as [N, number][];
  for (const [name, q] of entries) {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`percentile ${name}: quantile must be in [0, 1], got ${q}`);
  }
  return {
    description: { percentiles: { ...quantiles }, delta },
    createAccumulator: () => ({ sketch: undefined }),
    // plain data (the sketch exactly, as columns), or null for a sketch not created yet
    snapshotAccumulator: (acc) => (acc.sketch === undefined ? null : acc.sketch.toPlain()),
    restoreAccumulator: (data) => ({
      sketch: data == null ? undefined : QuantileSketch.fromPlain(data as number[], delta),
    }),
    add(record, acc) {
      acc.sketch ??= new QuantileSketch(delta);
      acc.sketch.add(valueFrom(record));
      return acc;
    },
    getResult(acc) {
      const result = {} as Record<N, number>;
      for (const [name, q] of entries) result[name] = acc.sketch ? acc.sketch.quantile(q) : Number.NaN;
      return result;
    },
    merge(a, b) {
      if (b.sketch === undefined) return a;
      if (a.sketch === undefined) a.sketch = QuantileSketch.fromCentroids(b.sketch.centroids(), delta);
      else a.sketch.merge(b.sketch);
      return a;
    },
  };
}

/**
 * One percentile of `valueFrom(record)`, e.g. `percentile((r) => r.value, 0.95)`. For several of
 * the same values, {@link percentiles} shares one sketch between them.
 */
export function percentile<T>(
  valueFrom: (record: T) => number,
  quantile: number,
  delta = DEFAULT_SKETCH_DELTA,
): SnapshotAggregate<T, PercentilesAccumulator, number> {
  const inner = percentiles(valueFrom, { q: quantile }, delta);
  return {
    description: { percentile: quantile, delta },
    snapshotAccumulator: inner.snapshotAccumulator,
    restoreAccumulator: inner.restoreAccumulator,
    createAccumulator: inner.createAccumulator,
    add: inner.add,
    merge: inner.merge,
    getResult: (acc) => inner.getResult(acc).q,
  };
}
