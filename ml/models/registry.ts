import type { OnlineEstimator } from '../core/estimator.ts';
import type { ModelSpec, ParamSpec } from '../core/model-spec.ts';
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

/** A hyperparameter's value once parsed: what `ModelSpec.create` takes. */
export type ParamValue = number | boolean | string;

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
 * Turns `--param key=value` strings into the typed hyperparameters `spec.create` takes: each value
 * parsed by its {@link ParamSpec} (`number`: a finite number; `integer`: a whole number;
 * `boolean`: `true` or `false`; `string`: as given), checked against its bounds and choices, and
 * every parameter not given set to its default. An unknown key, or a value that does not parse or
 * fit, throws a {@link ModelRegistryError} naming the parameter and what it accepts.
 *
 * @example
 * parseModelParams(linearRegressionSpec, { learningRate: '0.05', intercept: 'false' });
 * // { optimizer: 'sgd', learningRate: 0.05, l2: 0, intercept: false }
 */
export function parseModelParams(
  spec: ModelSpec,
  raw: Readonly<Record<string, string>>,
): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const [key, p] of Object.entries(spec.params)) params[key] = p.default;
  for (const [key, text] of Object.entries(raw)) {
    const p = Object.hasOwn(spec.params, key) ? spec.params[key] : undefined;
    if (!p) {
      throw new ModelRegistryError(
        'EDDY_UNKNOWN_MODEL_PARAM',
        `${spec.name} has no parameter "${key}"; ${describeParams(spec)}`,
      );
    }
    params[key] = parseParam(spec.name, key, p, text);
  }
  return params;
}

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

/**
 * The spec's parameters, one a line with type, default, range and description, e.g.
 * `  learningRate (number >= 0, default 0.01): Step size.`
 */
export function describeParams(spec: ModelSpec): string {
  const entries = Object.entries(spec.params);
  if (entries.length === 0) return `${spec.name} takes no parameters`;
  const lines = entries.map(
    ([key, p]) => `  ${key} (${describeType(p)}, default ${describeDefault(p)}): ${p.description}`,
  );
  return `its parameters are:\n${lines.join('\n')}`;
}

function describeType(p: ParamSpec): string {
  if (p.choices) return `one of ${p.choices.join(', ')}`;
  return `${p.type}${describeRange(p)}`;
}

/** ` from 0 to 1`, ` >= 1`, ` > 0` (a minimum of `Number.MIN_VALUE`), or nothing. */
function describeRange(p: ParamSpec): string {
  if (p.min !== undefined && p.max !== undefined) return ` from ${p.min} to ${p.max}`;
  if (p.min === Number.MIN_VALUE) return ' > 0';
  if (p.min !== undefined) return ` >= ${p.min}`;
  if (p.max !== undefined) return ` <= ${p.max}`;
  return '';
}

function describeDefault(p: ParamSpec): string {
  return p.default === '' ? '""' : String(p.default);
}

function parseParam(model: string, key: string, p: ParamSpec, text: string): ParamValue {
  const invalid = (expected: string) =>
    new ModelRegistryError(
      'EDDY_INVALID_MODEL_PARAM',
      `${model}: parameter ${key}: expected ${expected}, got "${text}" (${p.description.replace(/\.$/, '')})`,
    );
  switch (p.type) {
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw invalid('true or false');
    case 'string':
      if (p.choices && !p.choices.includes(text)) throw invalid(`one of ${p.choices.join(', ')}`);
      return text;
    case 'number':
    case 'integer': {
      const value = Number(text);
      const expected = `${p.type === 'integer' ? 'an integer' : 'a finite number'}${describeRange(p)}`;
      if (text.trim() === '' || !Number.isFinite(value)) throw invalid(expected);
      if (p.type === 'integer' && !Number.isSafeInteger(value)) throw invalid(expected);
      if ((p.min !== undefined && value < p.min) || (p.max !== undefined && value > p.max)) {
        throw invalid(expected);
      }
      return value;
    }
  }
}
