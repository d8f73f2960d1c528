import type { ClassLabel } from '../core/features.ts';

/**
 * A prequential (test-then-train) metric (River's `metrics.base.Metric`): `update` with each
 * truth and prediction, `get` the value over everything seen, `revert` to take a pair back out
 * (what {@link Rolling} windows use). Cumulative by itself; wrap it in `rolling(metric, n)` for
 * the last n pairs. `get()` is a defined number (0 before any update, unless a metric says
 * otherwise), never NaN.
 */
export interface Metric<Truth, Prediction> {
  /** Short name, e.g. `mae` (the InfluxDB field). */
  readonly name: string;
  update(yTrue: Truth, yPred: Prediction): void;
  revert(yTrue: Truth, yPred: Prediction): void;
  get(): number;
}

/** A regression metric. */
export type RegressionMetric = Metric<number, number>;
/** A metric over predicted labels (`undefined`: the model had none yet, which counts as wrong). */
export type LabelMetric = Metric<ClassLabel, ClassLabel | undefined>;
/** A metric over predicted class probabilities. */
export type ProbaMetric = Metric<ClassLabel, ReadonlyMap<ClassLabel, number>>;
