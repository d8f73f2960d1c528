import type { Forecast } from '../core/estimator.ts';
import type { EstimatorType } from '../core/model-spec.ts';

/**
 * Model names the registry (and the API path `/api/models/:name`) accepts: one path segment of
 * 1 to 64 letters, digits, `_`, `.` or `-`, starting with a letter or digit.
 *
 * @example
 * MODEL_NAME_PATTERN.test('boiler-temp'); // true
 */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Keys per page of `describe` (and `GET /api/models/:name`) unless told otherwise, and the most a page may hold. */
export const DEFAULT_MODEL_KEYS_PAGE = 100;
export const MAX_MODEL_KEYS_PAGE = 1_000;

/** How many keys a model has: one per series, one per device, or one for all (`*`). */
export type ModelScopeName = 'series' | 'device' | 'global';

/**
 * What the registry needs to know of a model before its first version: a job file's
 * `models[]` entry (`ModelStepSpec`) fits as it is. A pipeline (`scale: true`) needs nothing
 * more: its snapshot names both steps (`standard-scaler|linear-regression`) and holds both steps'
 * hyperparameters, which is all it takes to rebuild it.
 *
 * @example
 * registry.declare([{ name: 'boiler-temp', estimator: 'holt-winters', per: 'series', params: {} }]);
 */
export interface ModelDeclaration {
  /** The job's name for the model: the API name. */
  readonly name: string;
  /** Registry name of the estimator, e.g. `holt-winters`. */
  readonly estimator: string;
  readonly per: ModelScopeName;
  /** Hyperparameters as declared (absent ones take the estimator's defaults). */
  readonly params: Readonly<Record<string, number | boolean | string>>;
  /** A running standard scaler in front of the model. */
  readonly scale?: boolean;
  /** Forecasters: the prediction interval's coverage (default 0.95). */
  readonly coverage?: number;
}

/** One published version of one (model, key), without its snapshot. */
export interface ModelVersionInfo {
  readonly version: number;
  /** Event time of the update. */
  readonly ts: number;
  /** Records learned in total by this (model, key) at this version. */
  readonly learned: number;
}

/** A version in a key's history: whether its snapshot is still kept (can be downloaded and served). */
export interface ModelHistoryEntry extends ModelVersionInfo {
  readonly snapshotKept: boolean;
}

/** The latest version of one key of a model. */
export interface ModelKeyInfo extends ModelVersionInfo {
  readonly key: string;
}

/**
 * One model in `list()`. `latestVersion` and `updatedAt` are those of the version published last
 * (of whichever key); `learned` sums the kept keys' records learned. All three are `null` / 0
 * before the first version.
 */
export interface ModelSummary {
  readonly name: string;
  readonly estimator: string;
  readonly type: EstimatorType;
  readonly per: ModelScopeName;
  readonly keys: number;
  readonly latestVersion: number | null;
  readonly updatedAt: number | null;
  readonly learned: number;
}

/** One model in `describe()`: its hyperparameters and a page of its keys (sorted by key). */
export interface ModelDescription {
  readonly name: string;
  readonly estimator: string;
  readonly type: EstimatorType;
  readonly per: ModelScopeName;
  /** The declared hyperparameters with defaults filled (undeclared models: the latest snapshot's). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly scale: boolean;
  readonly totalKeys: number;
  /** Keys dropped because the model had `maxKeysPerModel` keys when a new one published. */
  readonly evictedKeys: number;
  readonly keys: ModelKeyInfo[];
}

/** A prediction request, checked by the API before it gets here (see `ModelRegistry.predict`). */
export interface ModelPredictRequest {
  /** The key; may be left out for a global model. */
  readonly key?: string;
  /** The version to serve (default the latest). */
  readonly version?: number;
  /** Regressors, classifiers, clusterers. */
  readonly features?: Readonly<Record<string, number>>;
  /** Forecasters: increasing epoch-ms timestamps to forecast at. */
  readonly timestamps?: readonly number[];
}

/** What `predict` answers: one of `prediction` (and `proba` for classifiers) or `forecast`. */
export interface ModelPredictResult {
  readonly model: string;
  readonly key: string;
  readonly version: number;
  /** Regressors: a number; classifiers: a label (absent before any class is known); clusterers: an index. */
  readonly prediction?: number | string;
  /** Classifiers: each class's probability, by label as text. */
  readonly proba?: Readonly<Record<string, number>>;
  readonly forecast?: readonly Forecast[];
}

/** Bounds of a {@link ModelRegistry}: what it keeps, and so the most memory it uses. */
export interface ModelRegistryLimits {
  /** Version metadata kept per (model, key) (default 20). */
  readonly historyPerKey: number;
  /** Snapshots kept per (model, key), the latest included (default 3, at most `historyPerKey`). */
  readonly snapshotsPerKey: number;
  /** Keys kept per model; past it the key updated longest ago is dropped (default 10,000). */
  readonly maxKeysPerModel: number;
  /** Models kept; versions of further undeclared models are dropped and counted (default 100). */
  readonly maxModels: number;
  /** Restored estimators kept for serving, least recently used dropped first (default 64). */
  readonly cachedEstimators: number;
}

/** What the registry dropped to stay within its {@link ModelRegistryLimits}. */
export interface ModelRegistryStats {
  readonly models: number;
  readonly keys: number;
  readonly versionsRecorded: number;
  /** Versions of undeclared models refused because `maxModels` models were kept. */
  readonly droppedVersions: number;
  readonly evictedKeys: number;
  readonly cachedEstimators: number;
}
