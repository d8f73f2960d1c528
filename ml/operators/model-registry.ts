import type { Sink } from '../../services/engine/api/sink.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { findModelSpec } from '../models/registry.ts';
import { fullModelParams } from './model-handle.ts';
import type { ModelVersion } from './model-outputs.ts';
import { EstimatorCache, restoreEstimator } from './model-registry-estimators.ts';
import { lookupKey, lookupModel, lookupVersion } from './model-registry-lookup.ts';
import { answer } from './model-registry-predict.ts';
import { identityOf, type KeyVersions, ModelKeys } from './model-registry-store.ts';
import {
  DEFAULT_MODEL_KEYS_PAGE,
  MAX_MODEL_KEYS_PAGE,
  MODEL_NAME_PATTERN,
  type ModelDeclaration,
  type ModelDescription,
  type ModelHistoryEntry,
  type ModelPredictRequest,
  type ModelPredictResult,
  type ModelRegistryLimits,
  type ModelRegistryStats,
  type ModelSummary,
} from './model-registry-types.ts';

/** What a registry keeps unless told otherwise (see {@link ModelRegistryLimits}). */
export const DEFAULT_MODEL_REGISTRY_LIMITS: ModelRegistryLimits = {
  historyPerKey: 20,
  snapshotsPerKey: 3,
  maxKeysPerModel: 10_000,
  maxModels: 100,
  cachedEstimators: 64,
};

export interface ModelRegistryOptions {
  readonly limits?: Partial<ModelRegistryLimits>;
  /** Where estimators are found by name (default every registered model). */
  readonly specs?: readonly ModelSpec[];
}

/**
 * The job's models as the API serves them (Flink ML's model-data stream, kept): `sink()` records
 * every `ModelVersion` the job publishes, `declare` lists the job file's models before their
 * first version, and `predict` answers from a version's snapshot restored into a fresh estimator.
 * Lives in the main thread; versions reach it through the job's `model-versions` binding.
 *
 * Memory is bounded by {@link ModelRegistryLimits}: per (model, key) the metadata of the last
 * `historyPerKey` versions and the snapshots of the last `snapshotsPerKey` (older versions can be
 * listed, not downloaded or served: `EDDY_MODEL_SNAPSHOT_EXPIRED`); per model at most
 * `maxKeysPerModel` keys (a new key past it drops the key updated longest ago, counted in
 * `evictedKeys`; it comes back with its next version); at most `maxModels` models (versions of
 * further undeclared models are dropped and counted); and `cachedEstimators` restored estimators.
 * So at most maxModels × maxKeysPerModel × snapshotsPerKey snapshots.
 *
 * @example
 * const registry = new ModelRegistry();
 * registry.declare(spec.models);
 * sinks['model-versions'] = registry.sink();
 * registry.predict('boiler-fit', { key: 'boiler-1', features: { humidity: 40 } });
 * // { model: 'boiler-fit', key: 'boiler-1', version: 12, prediction: 21.3 }
 */
export class ModelRegistry {
  readonly limits: ModelRegistryLimits;
  private readonly specs: readonly ModelSpec[] | undefined;
  private readonly models = new Map<string, ModelKeys>();
  private readonly cache: EstimatorCache;
  private versionsRecorded = 0;
  private droppedVersions = 0;

  constructor(options: ModelRegistryOptions = {}) {
    this.limits = { ...DEFAULT_MODEL_REGISTRY_LIMITS, ...options.limits };
    for (const [name, value] of Object.entries(this.limits)) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(`ModelRegistry: limits.${name} must be a positive integer, got ${value}`);
      }
    }
    if (this.limits.snapshotsPerKey > this.limits.historyPerKey) {
      throw new RangeError('ModelRegistry: limits.snapshotsPerKey must not exceed limits.historyPerKey');
    }
    this.specs = options.specs;
    this.cache = new EstimatorCache(this.limits.cachedEstimators);
  }

  /**
   * Lists `models` (a job file's `models`) from now on, before their first version. Throws for a
   * name that is not a {@link MODEL_NAME_PATTERN}, a name declared twice in `models`, an unknown
   * estimator or hyperparameter. Declaring a model again replaces its declaration, keeping its versions.
   */
  declare(models: readonly ModelDeclaration[]): void {
    const seen = new Set<string>();
    const identities = models.map((model) => {
      if (!MODEL_NAME_PATTERN.test(model.name)) {
        throw new Error(
          `model name ${JSON.stringify(model.name)}: use 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit`,
        );
      }
      if (seen.has(model.name)) throw new Error(`model "${model.name}" is declared twice`);
      seen.add(model.name);
      const spec = findModelSpec(model.estimator, this.specs);
      const params = fullModelParams({ spec, params: model.params });
      const identity = {
        estimator: model.estimator,
        type: spec.type,
        per: model.per,
        params,
        scale: model.scale ?? false,
        coverage: model.coverage ?? 0.95,
      };
      return [model.name, identity] as const;
    });
    for (const [name, identity] of identities) {
      const existing = this.models.get(name);
      if (existing) {
        existing.identity = identity;
        existing.declared = true;
      } else this.models.set(name, new ModelKeys(name, identity, true));
    }
  }

  /** A sink recording every version written to it (never fails the job: a malformed record is counted and dropped). */
  sink(name = 'model-registry'): Sink<ModelVersion> {
    return {
      name,
      open: async () => {},
      write: (version) => this.record(version),
      flush: async () => {},
      close: async () => {},
    };
  }

  /** Records one version as its key's latest (what the sink does). */
  record(version: ModelVersion): void {
    if (!isModelVersion(version)) {
      this.droppedVersions++;
      return;
    }
    let model = this.models.get(version.model);
    if (!model) {
      if (this.models.size >= this.limits.maxModels) {
        this.droppedVersions++;
        return;
      }
      model = new ModelKeys(version.model, identityOf(version), false);
      this.models.set(version.model, model);
    }
    model.record(version, this.limits);
    this.versionsRecorded++;
  }

  /** Every model, declared or seen, by name. */
  list(): ModelSummary[] {
    return [...this.models.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((model) => {
        const { estimator, type, per } = model.identity;
        return {
          name: model.name,
          estimator,
          type,
          per,
          keys: model.size,
          latestVersion: model.last?.version ?? null,
          updatedAt: model.last?.ts ?? null,
          learned: model.learned,
        };
      });
  }

  /** One model with a page of its keys, sorted by key (`limit` default 100, at most 1,000). */
  describe(name: string, page: { readonly limit?: number; readonly offset?: number } = {}): ModelDescription {
    const model = this.model(name);
    const limit = Math.min(Math.max(1, page.limit ?? DEFAULT_MODEL_KEYS_PAGE), MAX_MODEL_KEYS_PAGE);
    const offset = Math.max(0, page.offset ?? 0);
    const keys = [...model.keyNames()].sort().slice(offset, offset + limit);
    const { estimator, type, per, params, scale } = model.identity;
    return {
      name,
      estimator,
      type,
      per,
      params: params ?? model.last?.snapshot.params ?? {},
      scale,
      totalKeys: model.size,
      evictedKeys: model.evicted,
      keys: keys.map((key) => {
        const { version, ts, learned } = model.get(key)!.latest;
        return { key, version, ts, learned };
      }),
    };
  }

  /** A key's kept versions, newest first (`key` may be left out for a global model). */
  versions(name: string, key?: string): { model: string; key: string; versions: ModelHistoryEntry[] } {
    const entry = this.key(name, key);
    return { model: name, key: entry.key, versions: entry.versions() };
  }

  /** A version's full record, snapshot included (default the key's latest). */
  snapshot(name: string, key?: string, version?: number): ModelVersion {
    return this.find(name, this.key(name, key), version);
  }

  /**
   * Predicts with a version (default the key's latest) restored into a fresh estimator (cached
   * per (model, key, version), {@link ModelRegistryLimits.cachedEstimators} of them): see
   * `answer` in `model-registry-predict.ts` for what each type of model takes and answers.
   */
  predict(name: string, request: ModelPredictRequest): ModelPredictResult {
    const keyVersions = this.key(name, request.key);
    const version = this.find(name, keyVersions, request.version);
    const restored =
      this.cache.get(version) ?? this.cache.put(version, restoreEstimator(version, this.specs));
    const model = this.models.get(name)!;
    return {
      model: name,
      key: version.key,
      version: version.version,
      ...answer(restored, request, name, model.identity.coverage),
    };
  }

  /** What is kept, and what was dropped to stay within the limits (for logs and metrics). */
  stats(): ModelRegistryStats {
    let keys = 0;
    let evictedKeys = 0;
    for (const model of this.models.values()) {
      keys += model.size;
      evictedKeys += model.evicted;
    }
    return {
      models: this.models.size,
      keys,
      versionsRecorded: this.versionsRecorded,
      droppedVersions: this.droppedVersions,
      evictedKeys,
      cachedEstimators: this.cache.size,
    };
  }

  private model(name: string): ModelKeys {
    return lookupModel(this.models, name);
  }

  private key(name: string, key: string | undefined): KeyVersions {
    return lookupKey(this.model(name), key, this.limits);
  }

  private find(name: string, entry: KeyVersions, version: number | undefined): ModelVersion {
    return lookupVersion(name, entry, version, this.limits);
  }
}

const ESTIMATOR_TYPES: readonly string[] = [
  'regressor',
  'classifier',
  'clusterer',
  'transformer',
  'forecaster',
];

function isModelVersion(value: ModelVersion): boolean {
  const v = value as Partial<ModelVersion> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.model === 'string' &&
    typeof v.key === 'string' &&
    typeof v.estimator === 'string' &&
    typeof v.type === 'string' &&
    ESTIMATOR_TYPES.includes(v.type) &&
    Number.isSafeInteger(v.version) &&
    typeof v.ts === 'number' &&
    typeof v.learned === 'number' &&
    typeof v.snapshot === 'object' &&
    v.snapshot !== null &&
    typeof v.snapshot.kind === 'string'
  );
}
