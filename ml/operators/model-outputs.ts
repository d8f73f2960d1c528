import type { EstimatorSnapshot } from '../core/estimator.ts';
import type { EstimatorType } from '../core/model-spec.ts';

/** The key of a global model (one model for the whole stream, merged from every subtask). */
export const GLOBAL_MODEL_KEY = '*';

/**
 * A model's learned state at one moment: Flink ML's model-data stream, one record per model
 * update. Per-key models publish a version per key at most once per version interval (event
 * time) and only after learning something; a global model publishes one per merge of its
 * subtasks' partial updates. The registry (`/api/models`) keeps the latest versions and serves
 * predictions from their snapshots.
 *
 * @example
 * { model: 'temperature-forecast', estimator: 'holt-winters', type: 'forecaster',
 *   key: 'boiler-1/temperature', version: 12, ts: 1700000060000, learned: 720, snapshot: {...} }
 */
export interface ModelVersion {
  /** The job's name for the model (a job file's `models[].name`): the registry and API name. */
  readonly model: string;
  /** Registry name of the estimator, e.g. `holt-winters`. */
  readonly estimator: string;
  readonly type: EstimatorType;
  /** The device, the series key (`device/metric`), or {@link GLOBAL_MODEL_KEY}. */
  readonly key: string;
  /** 1, 2, … per (model, key); survives restarts (checkpointed). */
  readonly version: number;
  /** Event time of the update (the watermark or record time that triggered it). */
  readonly ts: number;
  /** Records learned in total by this (model, key). */
  readonly learned: number;
  /** `estimator.snapshot()` at this version (JSON-safe). */
  readonly snapshot: EstimatorSnapshot;
}

/** Which records a prequential metric covers: all since the start, or the last `rollingWindow`. */
export type MetricsScope = 'cumulative' | 'rolling';

/**
 * Prequential (test-then-train) metrics of one (model, key), as written to InfluxDB
 * `model_metrics` and the live feed (`model_metrics` events). Metric names are the
 * `ml/evaluation` names: `mae`, `rmse`, `r2` (regressors, forecasters); `accuracy`, `log_loss`,
 * `f1`, `roc_auc` (classifiers); `inertia` (clusterers).
 *
 * @example
 * { model: 'temperature-forecast', key: 'boiler-1/temperature', version: 12, ts: 1700000060000,
 *   scope: 'rolling', count: 500, metrics: { mae: 0.41, rmse: 0.55, r2: 0.93 } }
 */
export interface ModelMetricsReport {
  readonly model: string;
  readonly key: string;
  /** The model version the predictions were made with (the latest published, 0 before the first). */
  readonly version: number;
  readonly ts: number;
  readonly scope: MetricsScope;
  /** Predictions the metrics cover. */
  readonly count: number;
  readonly metrics: Readonly<Record<string, number>>;
}
