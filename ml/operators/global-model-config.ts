import type { ModelSpec } from '../core/model-spec.ts';
import type { GlobalLearning } from '../core/partial-update.ts';
import { globalLearningFor } from '../models/global/registry.ts';
import { fullModelParams, type ModelChoice, type ModelParamValue } from './model-handle.ts';

/**
 * A global model as its operators run it: the job's name for it, the spec with full
 * hyperparameters, its global learning and the round length. Checked when the job is built.
 */
export interface GlobalModelConfig {
  /** The job's name for the model (`ModelVersion.model`). */
  readonly modelName: string;
  readonly spec: ModelSpec;
  readonly params: Readonly<Record<string, ModelParamValue>>;
  readonly learning: GlobalLearning;
  /** Round length in event time: the partial updates of every subtask are merged once a round. */
  readonly mergeEveryMs: number;
}

/** The state shape of a global model's learner or merger: role, model, and hyperparameters. */
export interface GlobalModelShape {
  readonly layout: 1;
  readonly role: 'learner' | 'merger';
  readonly model: string;
  readonly type: string;
  readonly params: Readonly<Record<string, ModelParamValue>>;
}

/**
 * Resolves and checks a global model: known hyperparameters, a model that supports global
 * learning (the error lists those that do), a positive round length.
 *
 * @example
 * globalModelConfig('fleet-clusters', { spec: onlineKMeansSpec, params: { k: 3 } }, 60_000);
 */
export function globalModelConfig(
  modelName: string,
  choice: ModelChoice,
  mergeEveryMs: number,
): GlobalModelConfig {
  if (typeof modelName !== 'string' || modelName.trim() === '') {
    throw new Error(`a global model needs a non-empty modelName, got ${JSON.stringify(modelName)}`);
  }
  if (!(Number.isFinite(mergeEveryMs) && mergeEveryMs > 0)) {
    throw new Error(
      `global model "${modelName}": mergeEveryMs must be a positive number of milliseconds, got ${mergeEveryMs}`,
    );
  }
  const params = fullModelParams(choice);
  const learning = globalLearningFor(choice.spec, params);
  return { modelName, spec: choice.spec, params, learning, mergeEveryMs };
}

/** The shape a learner (`role` learner) or merger checkpoints its state under. */
export function globalModelShape(
  config: GlobalModelConfig,
  role: GlobalModelShape['role'],
): GlobalModelShape {
  return { layout: 1, role, model: config.spec.name, type: config.spec.type, params: config.params };
}
