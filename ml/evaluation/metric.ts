import type { ClassLabel } from '../core/features.ts';

/**
 * A metric's state as `snapshot()` gives it: JSON data (finite numbers, strings, booleans, null,
 * arrays and plain objects), what checkpoints of prequential metrics hold.
 */
export type MetricState =
  | number
  | string
  | boolean
  | null
  | readonly MetricState[]
  | { readonly [key: string]: MetricState };

/**
 * A prequential (test-then-train) metric (River's `metrics.base.Metric`): `update` with each
 * truth and prediction, `get` the value over everything seen, `revert` to take a pair back out
 * (what {@link Rolling} windows use). Cumulative by itself; wrap it in `rolling(metric, n)` for
 * the last n pairs. `get()` is a defined number (0 before any update, unless a metric says
 * otherwise), never NaN. `snapshot()` / `restore()` carry its state through checkpoints as JSON
 * data: a metric restored from another's snapshot continues exactly as that one would.
 */
export interface Metric<Truth, Prediction> {
  /** Short name, e.g. `mae` (the InfluxDB field). */
  readonly name: string;
  update(yTrue: Truth, yPred: Prediction): void;
  revert(yTrue: Truth, yPred: Prediction): void;
  get(): number;
  /** Its state as JSON data, a copy (later updates do not change it). */
  snapshot(): MetricState;
  /** Replaces its state with a snapshot of a metric of the same kind; throws, naming it, for another shape. */
  restore(state: MetricState): void;
  /**
   * Adds the pairs of the metric of the same kind whose snapshot is `state`, as if this one had
   * been updated with them too (what rolling windows of blocks combine). Throws, naming it, for
   * another shape.
   */
  merge(state: MetricState): void;
}

/** A regression metric. */
export type RegressionMetric = Metric<number, number>;
/** A metric over predicted labels (`undefined`: the model had none yet, which counts as wrong). */
export type LabelMetric = Metric<ClassLabel, ClassLabel | undefined>;
/** A metric over predicted class probabilities. */
export type ProbaMetric = Metric<ClassLabel, ReadonlyMap<ClassLabel, number>>;
/** A clustering metric: no truth; the "prediction" is the example's squared distance to its centre. */
export type ClusteringMetric = Metric<undefined, number>;

/**
 * The `count` numbers of a metric's snapshot, checked: what the metrics that keep a few counters
 * restore from. Throws an error naming the metric for anything else.
 *
 * @example
 * numbersOf([3, 1.5], 2, 'mae'); // [3, 1.5]
 * numbersOf({ n: 3 }, 2, 'mae'); // throws: mae: cannot restore from {"n":3} (expected 2 numbers)
 */
export function numbersOf(state: MetricState, count: number, name: string): number[] {
  if (
    !Array.isArray(state) ||
    state.length !== count ||
    !state.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    throw new Error(`${name}: cannot restore from ${JSON.stringify(state)} (expected ${count} numbers)`);
  }
  return [...(state as number[])];
}

/**
 * The list a metric's snapshot holds, checked (see {@link numbersOf}).
 *
 * @example
 * listOf([['a', 1]], 'macro_f1'); // [['a', 1]]
 */
export function listOf(state: MetricState, name: string): readonly MetricState[] {
  if (!Array.isArray(state))
    throw new Error(`${name}: cannot restore from ${JSON.stringify(state)} (expected a list)`);
  return state as readonly MetricState[];
}
