import type { Key } from '../../services/engine/api/functions.ts';
import type { EstimatorType } from '../core/model-spec.ts';
import type { MetricState } from '../evaluation/metric.ts';
import {
  type ClassificationOutcome,
  type ClusteringOutcome,
  classificationMetrics,
  clusteringMetrics,
  type MetricFamily,
  type RegressionOutcome,
  regressionMetrics,
} from '../evaluation/metric-families.ts';
import type { KeyedForecast } from './keyed-forecast-operator.ts';
import type { KeyedPrediction } from './keyed-model-operator.ts';

/** One prediction as prequential metrics score it: its key, the model version, and its outcome. */
export interface ScoredOutcome<O> {
  readonly key: string;
  readonly version: number;
  readonly outcome: O;
}

/**
 * How a stream of predictions is scored: the metric family and each record's outcome (`undefined`
 * for a record that cannot be scored: no target, no prediction yet, a number that is not finite).
 */
export interface Scoring<IN, O extends MetricState> {
  readonly family: MetricFamily<O>;
  readonly outcome: (record: IN) => ScoredOutcome<O> | undefined;
}

/**
 * A forecast, scored as a regression: MAE, RMSE, R² of `expected` against `value`.
 *
 * @example
 * forecastScoring.outcome({ key: 'd1/t', ts, value: 21, expected: 20.5, lower: 20, upper: 21, version: 3 });
 * // { key: 'd1/t', version: 3, outcome: [21, 20.5] }
 */
export const forecastScoring: Scoring<KeyedForecast<Key>, RegressionOutcome> = {
  family: regressionMetrics,
  outcome: (f) => numeric(f.key, f.version, f.value, f.expected),
};

/**
 * The scoring of a per-key model's predictions by the model's type: regressors by MAE, RMSE, R²;
 * classifiers by accuracy, log loss, F1 and ROC AUC of `positiveLabel` (labels compared as text);
 * clusterers by inertia (their predictions' `distance`). Forecasters: see {@link forecastScoring}.
 *
 * @example
 * const { family, outcome } = predictionScoring('regressor');
 * outcome({ key: 'd1', ts: 0, prediction: 2.5, target: 3, version: 1 }); // { key: 'd1', version: 1, outcome: [3, 2.5] }
 */
export function predictionScoring(
  type: EstimatorType,
  positiveLabel = '1',
): Scoring<KeyedPrediction<Key>, RegressionOutcome | ClassificationOutcome | ClusteringOutcome> {
  switch (type) {
    case 'regressor':
      return regressorScoring;
    case 'classifier':
      return classifierScoring(positiveLabel);
    case 'clusterer':
      return clustererScoring;
    default:
      throw new Error(`a ${type} makes no per-record predictions to score`);
  }
}

const regressorScoring: Scoring<KeyedPrediction<Key>, RegressionOutcome> = {
  family: regressionMetrics,
  outcome: (p) =>
    typeof p.target === 'number' && typeof p.prediction === 'number'
      ? numeric(p.key, p.version, p.target, p.prediction)
      : undefined,
};

function classifierScoring(positiveLabel: string): Scoring<KeyedPrediction<Key>, ClassificationOutcome> {
  return {
    family: classificationMetrics(positiveLabel),
    outcome: (p) => {
      if (p.target === undefined) return undefined;
      const predicted = p.prediction === undefined ? null : String(p.prediction);
      return {
        key: String(p.key),
        version: p.version,
        outcome: [String(p.target), predicted, p.proba ?? {}],
      };
    },
  };
}

const clustererScoring: Scoring<KeyedPrediction<Key>, ClusteringOutcome> = {
  family: clusteringMetrics,
  outcome: ({ key, version, distance }) =>
    distance !== undefined && Number.isFinite(distance)
      ? { key: String(key), version, outcome: distance }
      : undefined,
};

function numeric(
  key: Key,
  version: number,
  truth: number,
  prediction: number,
): ScoredOutcome<RegressionOutcome> | undefined {
  if (!Number.isFinite(truth) || !Number.isFinite(prediction)) return undefined;
  return { key: String(key), version, outcome: [truth, prediction] };
}
