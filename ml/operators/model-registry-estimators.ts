import type { OnlineEstimator } from '../core/estimator.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { Pipeline, pipelineSpec } from '../core/pipeline.ts';
import { findModelSpec, parseModelParams } from '../models/registry.ts';
import type { ModelVersion } from './model-outputs.ts';
import { ModelServingError } from './model-registry-errors.ts';

/** A restored estimator and the spec it was built from (whose `type` says how to ask it). */
export interface RestoredEstimator {
  readonly spec: ModelSpec;
  readonly estimator: OnlineEstimator;
}

/**
 * A fresh estimator holding `version`'s snapshot: the spec named by the snapshot's kind (a
 * pipeline's kind `transformer|model` names both steps, and its params hold both steps' params
 * prefixed with their names, so a pipeline rebuilds from its snapshot alone), built with the
 * snapshot's hyperparameters (checked against the spec), then restored. Anything that does not fit throws
 * `EDDY_MODEL_RESTORE_FAILED` naming the model, key and version.
 *
 * @example
 * const { spec, estimator } = restoreEstimator(version);
 * spec.type === 'regressor' && (estimator as Regressor).predictOne({ t: 21 });
 */
export function restoreEstimator(version: ModelVersion, specs?: readonly ModelSpec[]): RestoredEstimator {
  try {
    const spec = specOfKind(version.snapshot.kind, specs);
    if (spec.type !== version.type) {
      throw new Error(`its snapshot is of a ${spec.type} (${spec.name}), the version says ${version.type}`);
    }
    const estimator = spec.create(parseModelParams(spec, paramTexts(version.snapshot.params)));
    estimator.restore(version.snapshot);
    return { spec, estimator };
  } catch (error) {
    throw new ModelServingError(
      'EDDY_MODEL_RESTORE_FAILED',
      `Model "${version.model}", key "${version.key}", version ${version.version} cannot be restored ` +
        `for serving: ${(error as Error).message}. Ask for another version, or check the job's models.`,
      { cause: error },
    );
  }
}

/** The spec of an estimator kind: a registered name, or `transformer|model` for a pipeline. */
function specOfKind(kind: string, specs?: readonly ModelSpec[]): ModelSpec {
  const steps = kind.split('|');
  if (steps.length === 1) return findModelSpec(kind, specs);
  if (steps.length !== 2) throw new Error(`"${kind}" is not an estimator or a two-step pipeline`);
  const transformer = findModelSpec(steps[0]!, specs);
  if (transformer.type !== 'transformer') {
    throw new Error(`the first step of pipeline "${kind}" is a ${transformer.type}, not a transformer`);
  }
  return pipelineSpec(transformer, findModelSpec(steps[1]!, specs));
}

/**
 * The snapshot's hyperparameters as `--param` text, so `parseModelParams` checks each against the
 * spec (known name, type, bounds, choices) as it checks a user's: a snapshot is data, not trusted.
 */
function paramTexts(params: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'string') {
      throw new Error(
        `hyperparameter "${name}" is ${JSON.stringify(value)}, not a number, boolean or string`,
      );
    }
    out[name] = String(value);
  }
  return out;
}

/**
 * Restored estimators by (model, key, version), at most `capacity`, the least recently used
 * dropped first (and disposed: the neural models hold TensorFlow.js tensors). An entry is used
 * only for the very record it was restored from, so a version republished with other content
 * (after the job was restored from a checkpoint) is restored again.
 *
 * @example
 * const cache = new EstimatorCache(64);
 * const restored = cache.get(version) ?? cache.put(version, restoreEstimator(version));
 */
export class EstimatorCache {
  private readonly entries = new Map<string, { source: ModelVersion; restored: RestoredEstimator }>();

  constructor(private readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`EstimatorCache: capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** The estimator restored from `version` (this very record), now the most recently used. */
  get(version: ModelVersion): RestoredEstimator | undefined {
    const id = cacheId(version);
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (entry.source !== version) {
      dispose(entry.restored.estimator);
      return undefined;
    }
    this.entries.set(id, entry);
    return entry.restored;
  }

  put(version: ModelVersion, restored: RestoredEstimator): RestoredEstimator {
    const id = cacheId(version);
    const previous = this.entries.get(id);
    if (previous) {
      this.entries.delete(id);
      if (previous.restored !== restored) dispose(previous.restored.estimator);
    }
    this.entries.set(id, { source: version, restored });
    while (this.entries.size > this.capacity) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      dispose(entry.restored.estimator);
    }
    return restored;
  }

  /** Drops (and disposes) every entry. */
  clear(): void {
    for (const entry of this.entries.values()) dispose(entry.restored.estimator);
    this.entries.clear();
  }
}

function cacheId(version: ModelVersion): string {
  return JSON.stringify([version.model, version.key, version.version]);
}

/** Frees what an estimator holds outside the JS heap (its steps', for a pipeline); never throws. */
function dispose(estimator: OnlineEstimator): void {
  if (estimator instanceof Pipeline) {
    dispose(estimator.transformer);
    dispose(estimator.final);
    return;
  }
  const disposable = estimator as OnlineEstimator & { dispose?: () => Promise<void> | void };
  if (typeof disposable.dispose !== 'function') return;
  try {
    Promise.resolve(disposable.dispose()).catch(() => {});
  } catch {
    // A model that cannot free its tensors leaks them; serving goes on.
  }
}
