import type { Classifier, Clusterer, Forecaster, Regressor } from '../core/estimator.ts';
import type { Features } from '../core/features.ts';
import { ModelServingError } from './model-registry-errors.ts';
import type { RestoredEstimator } from './model-registry-estimators.ts';
import type { ModelPredictRequest, ModelPredictResult } from './model-registry-types.ts';

/** Most features one prediction request may carry. */
export const MAX_PREDICT_FEATURES = 1_000;
/** Most timestamps one forecast request may ask for. */
export const MAX_FORECAST_TIMESTAMPS = 1_000;

/** What a model answers, without the model, key and version. */
export type ModelAnswer = Pick<ModelPredictResult, 'prediction' | 'proba' | 'forecast'>;

/**
 * Asks a restored estimator, by its type: regressors `{prediction: number}`, classifiers
 * `{prediction: label, proba: {label: p}}` (no `prediction` before any class is known),
 * clusterers `{prediction: clusterIndex}`, forecasters `{forecast: [{ts, value, lower, upper}]}`
 * at `coverage`. Forecasters take `timestamps` (1 to {@link MAX_FORECAST_TIMESTAMPS}, safe
 * integers, strictly increasing) and no `features`; the others `features` (at most
 * {@link MAX_PREDICT_FEATURES}, finite values) and no `timestamps`. Otherwise
 * `EDDY_MODEL_INVALID_INPUT`; transformers `EDDY_MODEL_CANNOT_PREDICT`. The estimator only
 * predicts: it learns nothing, so the same request always gets the same answer.
 *
 * @example
 * answer(restored, { features: { temperature: 21.5 } }, 'boiler-fit', 0.95); // { prediction: 3.2 }
 */
export function answer(
  restored: RestoredEstimator,
  request: ModelPredictRequest,
  model: string,
  coverage: number,
): ModelAnswer {
  const { spec, estimator } = restored;
  if (spec.type === 'transformer') {
    throw new ModelServingError(
      'EDDY_MODEL_CANNOT_PREDICT',
      `Model "${model}" is a transformer (${spec.name}): it transforms features and predicts nothing.`,
    );
  }
  if (spec.type === 'forecaster') {
    if (request.features !== undefined)
      throw invalid(model, 'is a forecaster: send "timestamps", not "features"');
    const timestamps = checkTimestamps(model, request.timestamps);
    return { forecast: (estimator as Forecaster).forecast(timestamps, coverage) };
  }
  if (request.timestamps !== undefined) {
    throw invalid(model, `is a ${spec.type}: send "features", not "timestamps" (only forecasters take them)`);
  }
  const x = checkFeatures(model, request.features);
  switch (spec.type) {
    case 'regressor':
      return { prediction: (estimator as Regressor).predictOne(x) };
    case 'clusterer':
      return { prediction: (estimator as Clusterer).predictOne(x) };
    case 'classifier': {
      const classifier = estimator as Classifier;
      const proba: Record<string, number> = {};
      for (const [label, p] of classifier.predictProbaOne(x)) proba[String(label)] = p;
      const label = classifier.predictOne(x);
      return label === undefined ? { proba } : { prediction: label, proba };
    }
  }
}

function checkTimestamps(model: string, timestamps: readonly number[] | undefined): number[] {
  if (timestamps === undefined)
    throw invalid(model, 'is a forecaster: send "timestamps" (epoch ms) to forecast at');
  if (timestamps.length === 0 || timestamps.length > MAX_FORECAST_TIMESTAMPS) {
    throw invalid(model, `takes 1 to ${MAX_FORECAST_TIMESTAMPS} timestamps, got ${timestamps.length}`);
  }
  for (let i = 0; i < timestamps.length; i++) {
    const ts = timestamps[i]!;
    if (!Number.isSafeInteger(ts) || ts < 0) {
      throw invalid(model, `timestamps[${i}] must be a whole number of epoch ms, got ${ts}`);
    }
    if (i > 0 && ts <= timestamps[i - 1]!) {
      throw invalid(
        model,
        `timestamps must increase: timestamps[${i}] = ${ts} is not after ${timestamps[i - 1]}`,
      );
    }
  }
  return [...timestamps];
}

/** The features in an object of their own, with no prototype (a feature named `constructor` is just a name). */
function checkFeatures(model: string, features: Readonly<Record<string, number>> | undefined): Features {
  if (features === undefined) throw invalid(model, 'needs "features": {"name": number, ...}');
  const names = Object.keys(features);
  if (names.length > MAX_PREDICT_FEATURES) {
    throw invalid(model, `takes at most ${MAX_PREDICT_FEATURES} features, got ${names.length}`);
  }
  const x: Record<string, number> = Object.create(null);
  for (const name of names) {
    const value = features[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw invalid(model, `feature ${JSON.stringify(name)} must be a finite number, got ${String(value)}`);
    }
    x[name] = value;
  }
  return x;
}

function invalid(model: string, problem: string): ModelServingError {
  return new ModelServingError('EDDY_MODEL_INVALID_INPUT', `Model "${model}" ${problem}.`);
}
