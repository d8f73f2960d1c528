import type { ModelSpec } from '../../ml/core/model-spec.ts';
import { findModelSpec } from '../../ml/models/registry.ts';
import { learnAndPredictGlobal } from '../../ml/operators/global-models.ts';
import { MODEL_VERSIONS } from '../../ml/operators/keyed-estimator-operator.ts';
import type { KeyedPrediction } from '../../ml/operators/keyed-model-operator.ts';
import {
  deviceRows,
  learnAndForecast,
  learnAndPredict,
  prequentialMetrics,
} from '../../ml/operators/keyed-models.ts';
import { type Target, withStandardScaler } from '../../ml/operators/model-handle.ts';
import type { ModelMetricsReport, ModelVersion } from '../../ml/operators/model-outputs.ts';
import { forecastScoring, predictionScoring } from '../../ml/operators/prequential-outcomes.ts';
import { rowExample } from '../../ml/operators/row-example.ts';
import type { Prediction } from '../domain/prediction.ts';
import { type Reading, splitSeriesKey } from '../domain/reading.ts';
import { seriesKeySelector } from '../domain/series-key-interner.ts';
import { DataStream } from '../engine/api/data-stream.ts';
import type { Sink } from '../engine/api/sink.ts';
import type { StreamEnvironment } from '../engine/api/stream-environment.ts';
import { readingCodec } from '../engine/runtime/channels/reading-codec.ts';
import type { JobConnections } from './define-job.ts';
import { type ModelStepSpec, type StateSpec, stateTtlOf } from './job-spec.ts';
import { onlyMetrics } from './metrics-filter.ts';
import { shareSink } from './shared-sink.ts';

/**
 * Where a job's models write: predictions, prequential metrics and model versions (each optional).
 *
 * @example
 * const sinks: ModelConnections = { predictions: [influxPredictions], modelVersions: [registrySink] };
 */
export type ModelConnections = Pick<JobConnections, 'predictions' | 'modelMetrics' | 'modelVersions'>;

/** What one model step makes, each built only when something consumes it. */
interface ModelOutputs {
  predictions(): DataStream<Prediction>;
  metrics(): DataStream<ModelMetricsReport>;
  versions(): DataStream<ModelVersion>;
}

/**
 * The metric of a clusterer's predictions (the cluster index of a device's row).
 *
 * @example
 * { device: 'pump-1', metric: CLUSTER_METRIC, model: 'modes', ts, value: NaN, expected: 1, lower: NaN, upper: NaN }
 */
export const CLUSTER_METRIC = 'cluster';

/**
 * Builds a job file's models on its readings (after timestamps and watermarks), one branch each:
 *
 *   readings ─┬─ filter(metrics) ─ keyBy(device/metric) ─ forecast per series ─┬─ predictions
 *             │                                                                ├─ metrics ─ modelMetrics
 *             └─ filter ─ keyBy(device) ─ rows ─ model per device ──────────────┴─ versions ─ modelVersions
 *
 * - `per: series` (forecasters): per reading, the series' forecast of its time, then learning.
 * - `per: device` (regressors, classifiers, clusterers): on device rows (a device's readings of one
 *   timestamp), `target` predicted from `features` (and the time of day with `timeFeatures`),
 *   behind a running standard scaler with `scale`.
 * - `per: global`: one model for the fleet on the same rows (`ml/operators/global-models.ts`): every
 *   subtask learns a partial update, merged once per `versionEvery`; predictions name their device.
 *
 * Each model's state is checkpointed under uid `model-<name>` (its rows `model-<name>-rows`, its
 * metrics `model-<name>-metrics`). Predictions go out as {@link Prediction}s (a forecast's metric is
 * its series'; a regressor's or classifier's the target; a clusterer's `cluster`, with the cluster
 * index as `expected`); `value` is the actual (NaN if the row has none), `lower` / `upper` NaN
 * when the model gives no interval. Metrics are computed only when a metrics sink is given.
 *
 * Per-key state (models, rows being assembled, metrics) of a key idle for the job's state TTL
 * ({@link stateTtlOf}: `state.ttl`, default 24 h, in event time) is dropped; a key that comes back
 * starts afresh. The global model itself never expires.
 *
 * @example
 * defineModels(env, spec, env.fromSource(source, watermarks), {
 *   predictions: [influxPredictions, livePredictions], modelMetrics: [influxMetrics], modelVersions: [registry],
 * });
 */
export function defineModels(
  env: StreamEnvironment,
  spec: { readonly models: readonly ModelStepSpec[]; readonly state?: StateSpec },
  readings: DataStream<Reading>,
  connections: ModelConnections,
): void {
  if (spec.models.length === 0) return;
  const stateTtlMs = stateTtlOf(spec);
  const predictionSinks = (connections.predictions ?? []).map((sink) => shareSink(sink));
  const metricsSinks = (connections.modelMetrics ?? []).map((sink) => shareSink(sink));
  const versionSinks = (connections.modelVersions ?? []).map((sink) => shareSink(sink));
  for (const step of spec.models) {
    const outputs = defineModel(env, { ...step, stateTtlMs }, readings);
    fanOut(outputs.predictions, predictionSinks);
    fanOut(outputs.metrics, metricsSinks);
    fanOut(outputs.versions, versionSinks);
  }
}

/**
 * The checkpoint uid of a job's model `name` (its helper steps add `-rows`, `-metrics`).
 *
 * @example
 * modelUid('forecast'); // 'model-forecast'
 */
export function modelUid(name: string): string {
  return `model-${name}`;
}

/** A model step with the job's state TTL (undefined: keys never expire). */
type ModelStep = ModelStepSpec & { readonly stateTtlMs: number | undefined };

function defineModel(env: StreamEnvironment, step: ModelStep, readings: DataStream<Reading>): ModelOutputs {
  const spec = findModelSpec(step.estimator);
  switch (step.per) {
    case 'series':
      return forecastPerSeries(env, step, spec, readings);
    case 'device':
    case 'global':
      return modelOnRows(env, step, spec, readings);
  }
}

function forecastPerSeries(
  env: StreamEnvironment,
  step: ModelStep,
  spec: ModelSpec,
  readings: DataStream<Reading>,
): ModelOutputs {
  if (spec.type !== 'forecaster') {
    throw new Error(
      `model ${step.name}: per: series takes forecasters; ${spec.name} is a ${spec.type} (use per: device)`,
    );
  }
  const uid = modelUid(step.name);
  const keyed = onlyMetrics(readings, step.metrics, `model ${step.name}`).keyBy(
    seriesKeySelector(),
    `key-by(model ${step.name})`,
  );
  env.setRecordCodec(keyed, readingCodec);
  const forecasts = learnAndForecast(keyed, {
    ...versioning(step),
    model: { spec, params: step.params },
    value: (r) => r.value,
    coverage: step.coverage,
  }).uid(uid);
  return {
    predictions: () =>
      forecasts.map((forecast): Prediction => {
        // Written out, not spread: `{ ...a, b }` and `{ a, ...rest }` are V8's slow path (µs per reading).
        const { device, metric } = splitSeriesKey(forecast.key);
        const { ts, value, expected, lower, upper } = forecast;
        return { device, metric, model: step.name, ts, value, expected, lower, upper };
      }, `predictions(${step.name})`),
    metrics: () => prequentialMetrics(forecasts, metricsConfig(step, forecastScoring)).uid(`${uid}-metrics`),
    versions: () => forecasts.getSideOutput(MODEL_VERSIONS),
  };
}

/** A regressor, classifier or clusterer on device rows: one per device, or one global model. */
function modelOnRows(
  env: StreamEnvironment,
  step: ModelStep,
  spec: ModelSpec,
  readings: DataStream<Reading>,
): ModelOutputs {
  if (spec.type === 'forecaster' || spec.type === 'transformer') {
    throw new Error(
      `model ${step.name}: per: ${step.per} takes regressors, classifiers and clusterers; ${spec.name} is a ${spec.type}`,
    );
  }
  const clusterer = spec.type === 'clusterer';
  if (!clusterer && step.target === undefined) {
    throw new Error(`model ${step.name}: a ${spec.type} needs a target (the metric it predicts)`);
  }
  const uid = modelUid(step.name);
  const wanted = step.metrics && [
    ...step.metrics,
    ...(step.features ?? []),
    ...(step.target ? [step.target] : []),
  ];
  const keyed = onlyMetrics(readings, wanted, `model ${step.name}`).keyBy(
    (r) => r.device,
    `key-by(model ${step.name})`,
  );
  env.setRecordCodec(keyed, readingCodec);
  const rows = deviceRows(keyed, {
    name: `rows(${step.name})`,
    uid: `${uid}-rows`,
    stateTtlMs: step.stateTtlMs,
  });
  const target = clusterer ? undefined : step.target;
  const example = rowExample({
    ...(target === undefined ? {} : { target }),
    ...(step.features === undefined ? {} : { features: step.features }),
    timeFeatures: step.timeFeatures,
  });
  const model = step.scale
    ? withStandardScaler({ spec, params: step.params })
    : { spec, params: step.params };
  let predictions: DataStream<KeyedPrediction<string, number>>;
  let versions: () => DataStream<ModelVersion>;
  if (step.per === 'global') {
    // One model for the fleet: every subtask learns a partial update, merged once per version interval.
    const global = learnAndPredictGlobal(rows, {
      modelName: step.name,
      model,
      example,
      mergeEveryMs: step.versionEveryMs,
      name: `model(${step.name})`,
      uid,
      subject: (row) => row.device,
    });
    // The metrics step is keyed by the prediction's key ('*'): bring the subtasks' predictions together.
    const together = global.predictions.keyBy((p): string => p.key, `key-by(metrics ${step.name})`);
    predictions = new DataStream<KeyedPrediction<string, number>>(together.env, together.transformation);
    versions = () => global.versions;
  } else {
    const perDevice = learnAndPredict(rows, { ...versioning(step), model, example }).uid(uid);
    predictions = perDevice;
    versions = () => perDevice.getSideOutput(MODEL_VERSIONS);
  }
  const metric = target ?? CLUSTER_METRIC;
  const positiveLabel = typeof step.params.positiveLabel === 'string' ? step.params.positiveLabel : '1';
  return {
    predictions: () =>
      predictions.map(
        (p): Prediction => ({
          device: p.subject ?? p.key,
          metric,
          model: step.name,
          ts: p.ts,
          value: p.target ?? Number.NaN,
          expected: expectedOf(p),
          lower: Number.NaN,
          upper: Number.NaN,
        }),
        `predictions(${step.name})`,
      ),
    metrics: () =>
      prequentialMetrics(predictions, metricsConfig(step, predictionScoring(spec.type, positiveLabel))).uid(
        `${uid}-metrics`,
      ),
    versions,
  };
}

/** The model step's name, version interval and state TTL, as the per-key steps take them. */
function versioning(step: ModelStep) {
  return {
    name: `model(${step.name})`,
    modelName: step.name,
    versionEveryMs: step.versionEveryMs,
    ...(step.stateTtlMs === undefined ? {} : { stateTtlMs: step.stateTtlMs }),
  };
}

function metricsConfig<S>(step: ModelStep, scoring: S) {
  return {
    ...scoring,
    stateTtlMs: step.stateTtlMs,
    name: `metrics(${step.name})`,
    model: step.name,
    rollingWindow: step.rollingWindow,
    metricsEveryMs: step.metricsEveryMs,
  };
}

/** The prediction as a number: a regressor's value, a cluster's index, a numeric class (NaN otherwise). */
function expectedOf(p: KeyedPrediction<string, Target>): number {
  return typeof p.prediction === 'number' ? p.prediction : Number(p.prediction ?? Number.NaN);
}

/** The stream `make` builds into every sink, if there is any (nothing is built otherwise). */
function fanOut<T>(make: () => DataStream<T>, sinks: readonly { branch(): Sink<T> }[]): void {
  if (sinks.length === 0) return;
  const stream = make();
  for (const sink of sinks) stream.sinkTo(sink.branch());
}
