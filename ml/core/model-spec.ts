import type {
  Classifier,
  Clusterer,
  Forecaster,
  OnlineEstimator,
  Regressor,
  Transformer,
} from './estimator.ts';

/** The kinds of estimator, as the registry, the CLI and the conformance suite tell them apart. */
export type EstimatorType = 'regressor' | 'classifier' | 'clusterer' | 'transformer' | 'forecaster';

/** A hyperparameter's type and default, for `--param key=value` parsing and validation. */
export interface ParamSpec {
  readonly type: 'number' | 'integer' | 'boolean' | 'string';
  readonly default: number | boolean | string;
  readonly description: string;
  /** Inclusive bounds for numbers. */
  readonly min?: number;
  readonly max?: number;
  /** Allowed values for strings. */
  readonly choices?: readonly string[];
}

interface SpecBase<T extends OnlineEstimator> {
  /** Registry name, e.g. `linear-regression` (the `--model` value). */
  readonly name: string;
  readonly description: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Builds one from (already validated, defaults filled) hyperparameters. */
  create(params: Readonly<Record<string, number | boolean | string>>): T;
}

/**
 * How a model is found and built by name: each model file exports one (e.g.
 * `export const linearRegressionSpec: ModelSpec = { ... }`), and `ml/models/registry.ts` lists
 * them. The conformance suite runs over every registered spec.
 */
export type ModelSpec =
  | (SpecBase<Regressor> & { readonly type: 'regressor' })
  | (SpecBase<Classifier> & { readonly type: 'classifier' })
  | (SpecBase<Clusterer> & { readonly type: 'clusterer' })
  | (SpecBase<Transformer> & { readonly type: 'transformer' })
  | (SpecBase<Forecaster> & { readonly type: 'forecaster' });
