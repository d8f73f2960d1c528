import type { OnlineEstimator } from '../core/estimator.ts';
import type { ClassLabel, Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { Pipeline, pipelineSpec } from '../core/pipeline.ts';
import { standardScalerSpec } from '../models/standard-scaler.ts';

/** A hyperparameter value as `ModelSpec.create` takes it. */
export type ModelParamValue = number | boolean | string;

/** What a model predicts for one record: a number (regressors, cluster index) or a class (or none yet). */
export type Prediction = number | ClassLabel | undefined;

/** A target as the user's function gives it: a number for regressors, a class for classifiers. */
export type Target = number | ClassLabel;

/**
 * Which model an operator keeps (one per key): a spec and the hyperparameters to build it with
 * (absent ones take the spec's defaults). The spec's name and the full hyperparameters are the
 * operator's state shape: restoring a checkpoint taken with another model fails.
 *
 * @example
 * const model: ModelChoice = { spec: linearRegressionSpec, params: { learningRate: 0.05 } };
 */
export interface ModelChoice {
  readonly spec: ModelSpec;
  readonly params?: Readonly<Record<string, ModelParamValue>>;
}

/**
 * One estimator behind one interface, whatever its type: `learn(x, y)` and `predict(x)`.
 * Regressors and classifiers learn only from records with a target; clusterers ignore it.
 * What prequential metrics need besides the prediction: classifiers give `proba`, clusterers that
 * can tell it (online k-means, alone or behind a scaler) give `distance`.
 */
export interface ModelHandle {
  readonly estimator: OnlineEstimator;
  /** False for models that learn without a target (clusterers). */
  readonly needsTarget: boolean;
  learn(x: Features, y: Target | undefined): void;
  predict(x: Features): Prediction;
  /** Classifiers: the probability of each class, by its label as text (empty before learning). */
  proba?(x: Features): Record<string, number>;
  /** Clusterers: the squared distance from `x` to its nearest centre (its share of the inertia). */
  distance?(x: Features): number;
}

/**
 * `choice` behind a running standard scaler: the pipeline `standard-scaler|<model>` (see
 * `pipelineSpec`), its hyperparameters prefixed with the model's name, the scaler's defaults.
 *
 * @example
 * withStandardScaler({ spec: linearRegressionSpec, params: { learningRate: 0.05 } });
 * // { spec: <standard-scaler|linear-regression>, params: { 'linear-regression.learningRate': 0.05 } }
 */
export function withStandardScaler(choice: ModelChoice): ModelChoice {
  const { spec } = choice;
  if (standardScalerSpec.type !== 'transformer') throw new Error('standard-scaler is not a transformer');
  const params = Object.entries(choice.params ?? {}).map(([key, v]) => [`${spec.name}.${key}`, v] as const);
  return { spec: pipelineSpec(standardScalerSpec, spec), params: Object.fromEntries(params) };
}

/** The spec's defaults overlaid with `params` (unknown names refused, naming the model's parameters). */
export function fullModelParams(choice: ModelChoice): Record<string, ModelParamValue> {
  const { spec } = choice;
  const params: Record<string, ModelParamValue> = {};
  for (const [name, p] of Object.entries(spec.params)) params[name] = p.default;
  for (const [name, value] of Object.entries(choice.params ?? {})) {
    if (!Object.hasOwn(spec.params, name)) {
      throw new Error(
        `${spec.name} has no parameter "${name}"; its parameters are: ${Object.keys(spec.params).join(', ') || 'none'}`,
      );
    }
    params[name] = value;
  }
  return params;
}

/**
 * Builds a fresh model from `spec` with `params` (complete, see {@link fullModelParams}).
 * Transformers and forecasters are refused: they do not map a record to a prediction.
 */
export function createModelHandle(
  spec: ModelSpec,
  params: Readonly<Record<string, ModelParamValue>>,
): ModelHandle {
  switch (spec.type) {
    case 'regressor': {
      const model = spec.create(params);
      return {
        estimator: model,
        needsTarget: true,
        learn: (x, y) => {
          if (y === undefined) return;
          if (typeof y !== 'number' || !Number.isFinite(y)) {
            throw new TypeError(
              `${spec.name} is a regressor: its target must be a finite number, got ${String(y)}`,
            );
          }
          model.learnOne(x, y);
        },
        predict: (x) => model.predictOne(x),
      };
    }
    case 'classifier': {
      const model = spec.create(params);
      return {
        estimator: model,
        needsTarget: true,
        learn: (x, y) => {
          if (y !== undefined) model.learnOne(x, y);
        },
        predict: (x) => model.predictOne(x),
        proba: (x) => {
          const proba: Record<string, number> = {};
          for (const [label, p] of model.predictProbaOne(x)) proba[String(label)] = p;
          return proba;
        },
      };
    }
    case 'clusterer': {
      const model = spec.create(params);
      const distance = squaredDistanceOf(model);
      return {
        estimator: model,
        needsTarget: false,
        learn: (x) => model.learnOne(x),
        predict: (x) => model.predictOne(x),
        ...(distance === undefined ? {} : { distance }),
      };
    }
    default:
      throw new Error(
        `${spec.name} is a ${spec.type}: per-key learn/predict operators take regressors, classifiers and clusterers`,
      );
  }
}

/** A clusterer that tells an example's squared distance to its nearest centre (online k-means). */
interface MeasuresInertia {
  inertiaOne(x: Features): number;
}

function measuresInertia(estimator: unknown): estimator is MeasuresInertia {
  return typeof (estimator as Partial<MeasuresInertia>).inertiaOne === 'function';
}

/** `x ↦ squared distance to its centre` for a clusterer that measures it, also behind a pipeline's transformer. */
function squaredDistanceOf(model: OnlineEstimator): ((x: Features) => number) | undefined {
  if (measuresInertia(model)) return (x) => model.inertiaOne(x);
  if (!(model instanceof Pipeline)) return undefined;
  const { transformer, final } = model;
  return measuresInertia(final) ? (x) => final.inertiaOne(transformer.transformOne(x)) : undefined;
}
