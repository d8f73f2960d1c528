import { expect } from 'vitest';
import type { OnlineEstimator } from '../../../../ml/core/estimator.ts';
import type { ClassLabel, Features } from '../../../../ml/core/features.ts';
import type { ModelSpec } from '../../../../ml/core/model-spec.ts';
import type { GlobalLearning } from '../../../../ml/core/partial-update.ts';
import { globalLearningFor } from '../../../../ml/models/global/registry.ts';
import { fullModelParams } from '../../../../ml/operators/model-handle.ts';

/** One example as a subtask sees it. */
export interface Ex {
  readonly x: Features;
  readonly y?: ClassLabel;
}

/**
 * Global learning by hand, as the operators do it: per round, every subtask adds its examples to
 * an empty partial against its replica (the global model as of the previous round), the partials
 * go through JSON (plain data, as across threads and into checkpoints), are merged in subtask
 * order and applied to the global model once.
 */
export function simulateRounds(
  spec: ModelSpec,
  params: Readonly<Record<string, number | boolean | string>>,
  rounds: readonly (readonly (readonly Ex[])[])[],
): { model: OnlineEstimator; learning: GlobalLearning } {
  const full = fullModelParams({ spec, params });
  const learning = globalLearningFor(spec, full);
  const model = spec.create(full);
  for (const subtasks of rounds) applyRound(learning, model, subtasks);
  return { model, learning };
}

/** One round on `model` (the subtasks' replicas are copies of it). */
export function applyRound(
  learning: GlobalLearning,
  model: OnlineEstimator,
  subtasks: readonly (readonly Ex[])[],
): void {
  const merged = learning.emptyPartial();
  for (const examples of subtasks) {
    const replica = model.clone();
    replica.restore(model.snapshot());
    const partial = learning.emptyPartial();
    for (const { x, y } of examples) learning.addExample(partial, replica, x, y);
    const plain = JSON.parse(JSON.stringify(learning.savePartial(partial)));
    learning.mergePartials(merged, learning.loadPartial(plain));
  }
  learning.applyPartial(model, merged);
}

/** `value` with every number replaced by a matcher accepting it up to rounding. */
export function roughly(value: unknown): unknown {
  if (typeof value === 'number') return expect.closeTo(value, 10);
  if (Array.isArray(value)) return value.map(roughly);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roughly(v)]));
  }
  return value;
}
