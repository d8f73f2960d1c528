import type { OnlineEstimator } from '../core/estimator.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import {
  type ParamErrorFactory,
  type ParamSpecs,
  type ParamValue,
  parseParams,
} from '../core/param-parsing.ts';
import { denseAutoencoderSpec } from './dense-autoencoder.ts';
import { gaussianNaiveBayesSpec } from './gaussian-naive-bayes.ts';
import { gruForecasterSpec } from './gru-forecaster.ts';
import { hoeffdingTreeSpec } from './hoeffding-tree.ts';
import { holtWintersSpec } from './holt-winters.ts';
import { lagRegressionForecasterSpec } from './lag-regression-forecaster.ts';
import { linearRegressionSpec } from './linear-regression.ts';
import { logisticRegressionSpec } from './logistic-regression.ts';
import { minMaxScalerSpec } from './min-max-scaler.ts';
import { mlpRegressorSpec } from './mlp-regressor.ts';
import { onlineKMeansSpec } from './online-kmeans.ts';
import { passiveAggressiveClassifierSpec } from './passive-aggressive-classifier.ts';
import { passiveAggressiveRegressorSpec } from './passive-aggressive-regressor.ts';
import { standardScalerSpec } from './standard-scaler.ts';
import { windowedMinMaxScalerSpec } from './windowed-min-max-scaler.ts';
import { windowedStandardScalerSpec } from './windowed-standard-scaler.ts';

/** Parameter parsing lives in `ml/core/param-parsing.ts` (no TensorFlow.js) and is shared with the detectors. */
export { describeParams, type ParamSpecs, type ParamValue } from '../core/param-parsing.ts';

/**
 * Every model Eddy can build by name, sorted by name (`--model NAME`, job files, the API). Each
 * model file exports its spec; `test/ml/registry-conformance.test.ts` checks that none is missing
 * here and runs the conformance suite over all of them. Importing this module loads TensorFlow.js
 * (the neural models): import it lazily where start-up time matters.
 */
export const MODEL_SPECS: readonly ModelSpec[] = [
  denseAutoencoderSpec,
  gaussianNaiveBayesSpec,
  gruForecasterSpec,
  hoeffdingTreeSpec,
  holtWintersSpec,
  lagRegressionForecasterSpec,
  linearRegressionSpec,
  logisticRegressionSpec,
  minMaxScalerSpec,
  mlpRegressorSpec,
  onlineKMeansSpec,
  passiveAggressiveClassifierSpec,
  passiveAggressiveRegressorSpec,
  standardScalerSpec,
  windowedMinMaxScalerSpec,
  windowedStandardScalerSpec,
];

/**
 * A model name or hyperparameter the registry cannot use; the message says what is known or
 * allowed. Codes: `EDDY_UNKNOWN_MODEL`, `EDDY_UNKNOWN_MODEL_PARAM`, `EDDY_INVALID_MODEL_PARAM`.
 */
export class ModelRegistryError extends Error {
  override readonly name = 'ModelRegistryError';

  constructor(
    readonly code: 'EDDY_UNKNOWN_MODEL' | 'EDDY_UNKNOWN_MODEL_PARAM' | 'EDDY_INVALID_MODEL_PARAM',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The spec registered as `name`; an unknown name throws a {@link ModelRegistryError} listing the
 * known ones.
 *
 * @example
 * findModelSpec('logistic-regression').type; // 'classifier'
 */
export function findModelSpec(name: string, specs: readonly ModelSpec[] = MODEL_SPECS): ModelSpec {
  const spec = specs.find((s) => s.name === name);
  if (!spec) {
    throw new ModelRegistryError(
      'EDDY_UNKNOWN_MODEL',
      `unknown model "${name}"; the models are: ${specs.map((s) => s.name).join(', ')}`,
    );
  }
  return spec;
}

/**
 * Turns `--param key=value` strings into the typed hyperparameters `spec.create` takes
 * ({@link parseParams}: parsed by type, checked against bounds and choices, defaults filled). Any
 * `{ name, params }` will do (the detector registry passes its own error factory). An unknown key,
 * or a value that does not parse or fit, throws a {@link ModelRegistryError} (or what `error` makes)
 * naming the parameter and what it accepts.
 *
 * @example
 * parseModelParams(linearRegressionSpec, { learningRate: '0.05', intercept: 'false' });
 * // { optimizer: 'sgd', learningRate: 0.05, l2: 0, intercept: false }
 */
export function parseModelParams(
  spec: ParamSpecs,
  raw: Readonly<Record<string, string>>,
  error: ParamErrorFactory = modelParamError,
): Record<string, ParamValue> {
  return parseParams(spec, raw, error);
}

const modelParamError: ParamErrorFactory = (problem, message) =>
  new ModelRegistryError(
    problem === 'unknown' ? 'EDDY_UNKNOWN_MODEL_PARAM' : 'EDDY_INVALID_MODEL_PARAM',
    message,
  );

/**
 * Builds the model registered as `name` from `--param` strings ({@link parseModelParams}).
 *
 * @example
 * const model = createModel('passive-aggressive-classifier', { C: '0.5' });
 */
export function createModel(
  name: string,
  raw: Readonly<Record<string, string>> = {},
  specs: readonly ModelSpec[] = MODEL_SPECS,
): OnlineEstimator {
  const spec = findModelSpec(name, specs);
  return spec.create(parseModelParams(spec, raw));
}
