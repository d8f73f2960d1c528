import type { ClassLabel } from '../core/features.ts';
import { Accuracy } from './accuracy.ts';
import { F1 } from './f1.ts';
import { Inertia } from './inertia.ts';
import { LogLoss } from './log-loss.ts';
import { Mae } from './mae.ts';
import type { Metric, MetricState } from './metric.ts';
import { R2 } from './r2.ts';
import { Rmse } from './rmse.ts';
import { RocAuc } from './roc-auc.ts';

/** A regressor's or forecaster's outcome: the truth and the prediction (finite numbers). */
export type RegressionOutcome = readonly [truth: number, prediction: number];

/**
 * A classifier's outcome, labels as text (so that `1` and `'1'` are one class): the truth, the
 * predicted class (`null`: none yet) and the probability of each class.
 */
export type ClassificationOutcome = readonly [
  truth: string,
  predicted: string | null,
  proba: Readonly<Record<string, number>>,
];

/** A clusterer's outcome: the squared distance from the example to the centre it was assigned to. */
export type ClusteringOutcome = number;

/** A metric fed whole outcomes (see {@link MetricFamily}). */
export interface OutcomeMetric<O> {
  readonly name: string;
  update(outcome: O): void;
  revert(outcome: O): void;
  get(): number;
  snapshot(): MetricState;
  restore(state: MetricState): void;
  merge(state: MetricState): void;
}

/**
 * The prequential metrics of one type of model, fresh, in report order: what
 * `PrequentialEvaluation` keeps per model and key (cumulative, and per block of the rolling window).
 *
 * @example
 * regressionMetrics().map((m) => m.name); // ['mae', 'rmse', 'r2']
 */
export type MetricFamily<O> = () => OutcomeMetric<O>[];

/**
 * MAE, RMSE and R² (regressors and forecasters).
 *
 * @example
 * const [mae] = regressionMetrics();
 * mae.update([3, 2.5]); mae.get(); // 0.5
 */
export const regressionMetrics: MetricFamily<RegressionOutcome> = () =>
  [new Mae(), new Rmse(), new R2()].map((m) => fedBy(m, asPair));

/**
 * Accuracy, log loss, and F1 and ROC AUC of the class `positiveLabel` (binary; default `'1'`,
 * Flink ML's and the logistic regression's positive label).
 *
 * @example
 * classificationMetrics('1').map((m) => m.name); // ['accuracy', 'log_loss', 'f1', 'roc_auc']
 */
export function classificationMetrics(positiveLabel = '1'): MetricFamily<ClassificationOutcome> {
  const labels = ([truth, predicted]: ClassificationOutcome) => [truth, predicted ?? undefined] as const;
  const probabilities = ([truth, , proba]: ClassificationOutcome) => [truth, probaMap(proba)] as const;
  return () => [
    fedBy(new Accuracy(), labels),
    fedBy(new LogLoss(), probabilities),
    fedBy(new F1(positiveLabel), labels),
    fedBy(new RocAuc(positiveLabel), probabilities),
  ];
}

/**
 * Inertia (clusterers).
 *
 * @example
 * const [inertia] = clusteringMetrics();
 * inertia.update(0.5); inertia.update(2); inertia.get(); // 2.5
 */
export const clusteringMetrics: MetricFamily<ClusteringOutcome> = () => [
  fedBy(new Inertia(), (distance: ClusteringOutcome) => [undefined, distance] as const),
];

/**
 * `metric` fed the (truth, prediction) that `pair` takes from an outcome. A class, not an object
 * of arrow functions: a model and key keep a dozen of these (cumulative and per rolling block), so
 * at 10,000 series closures per instance cost ~90 MB of heap (each closure also carries its own
 * `name` property under tsx).
 */
class FedMetric<O, T, P> implements OutcomeMetric<O> {
  readonly name: string;

  constructor(
    private readonly metric: Metric<T, P>,
    private readonly pair: (outcome: O) => readonly [T, P],
  ) {
    this.name = metric.name;
  }

  update(outcome: O): void {
    const [t, p] = this.pair(outcome);
    this.metric.update(t, p);
  }

  revert(outcome: O): void {
    const [t, p] = this.pair(outcome);
    this.metric.revert(t, p);
  }

  get(): number {
    return this.metric.get();
  }

  snapshot(): MetricState {
    return this.metric.snapshot();
  }

  restore(state: MetricState): void {
    this.metric.restore(state);
  }

  merge(state: MetricState): void {
    this.metric.merge(state);
  }
}

function fedBy<O, T, P>(metric: Metric<T, P>, pair: (outcome: O) => readonly [T, P]): OutcomeMetric<O> {
  return new FedMetric(metric, pair);
}

/** A regression outcome is already its (truth, prediction) pair. */
const asPair = (outcome: RegressionOutcome): RegressionOutcome => outcome;

function probaMap(proba: Readonly<Record<string, number>>): ReadonlyMap<ClassLabel, number> {
  return new Map(Object.entries(proba));
}
