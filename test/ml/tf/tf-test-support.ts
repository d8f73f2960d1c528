import * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../../../ml/core/model-spec.ts';
import { initTensorFlow } from '../../../ml/tf/backend.ts';
import { silentLogger } from '../../../services/common/logger.ts';

/** The spec's default hyperparameters with `overrides` on top. */
export function paramsOf(
  spec: ModelSpec,
  overrides: Record<string, number | boolean | string> = {},
): Record<string, number | boolean | string> {
  const params: Record<string, number | boolean | string> = {};
  for (const [name, param] of Object.entries(spec.params)) params[name] = param.default;
  return { ...params, ...overrides };
}

/** The backend tests run on (WASM here; CPU if WASM cannot start). */
export function initTestTensorFlow(): Promise<unknown> {
  return initTensorFlow({ logger: silentLogger });
}

/** Live tensors now (for leak checks). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}

/** A JSON round trip: what a checkpoint would give back. */
export function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
