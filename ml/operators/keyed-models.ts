import type { Reading } from '../../services/domain/reading.ts';
import { DataStream } from '../../services/engine/api/data-stream.ts';
import type { Key } from '../../services/engine/api/functions.ts';
import { KeyedStream } from '../../services/engine/api/keyed-stream.ts';
import type { StreamOperator } from '../../services/engine/runtime/stream-operator.ts';
import type { MetricState } from '../evaluation/metric.ts';
import { type DeviceRow, DeviceRowsOperator } from './device-rows-operator.ts';
import { type KeyedForecast, KeyedForecastOperator } from './keyed-forecast-operator.ts';
import {
  type Example,
  type KeyedModelMode,
  KeyedModelOperator,
  type KeyedPrediction,
} from './keyed-model-operator.ts';
import type { ModelChoice, Target } from './model-handle.ts';
import type { ModelMetricsReport } from './model-outputs.ts';
import { type PrequentialMetricsConfig, PrequentialMetricsOperator } from './prequential-metrics-operator.ts';

/** What every per-key model step takes besides how a record feeds the model. */
export interface KeyedStepOptions {
  readonly model: ModelChoice;
  /** The step's name (default `learn`, `predict`, `learn-and-predict` or `learn-and-forecast`); set a `uid` for savepoints. */
  readonly name?: string;
  /** The job's name for the model, in its versions (default: the step's name). */
  readonly modelName?: string;
  /** At most one model version per key this often, in event time (default 1 min). */
  readonly versionEveryMs?: number;
  /** Drop a key's model once its last record is this much older than the watermark (default: never). */
  readonly stateTtlMs?: number;
}

/** What the per-key model steps take: the model, how a record becomes an example, and a name. */
export interface KeyedModelOptions<T, Y extends Target> extends KeyedStepOptions {
  readonly example: (record: T) => Example<Y>;
}

/** What {@link learnAndForecast} takes: the forecaster, a record's value, the interval's coverage. */
export interface KeyedForecastOptions<T> extends KeyedStepOptions {
  readonly value: (record: T) => number;
  /** Coverage of the prediction interval (default 0.95). */
  readonly coverage?: number;
}

/**
 * Prequential per-key models on a keyed stream: for every record, its key's model predicts, the
 * prediction `{ key, ts, prediction, target, version }` is emitted, then the model learns the
 * record. Built on `DataStream.transform` with a keyed {@link KeyedModelOperator}, so it runs after
 * the stream's `keyBy` partition like any keyed step and is checkpointed with the job. Its model
 * versions: `.getSideOutput(MODEL_VERSIONS)`.
 *
 * @example
 * const predictions = learnAndPredict(readings.keyBy((r) => r.device), {
 *   model: { spec: linearRegressionSpec, params: { learningRate: 0.05 } },
 *   example: (r) => ({ x: { hour: hourOf(r.ts) }, y: r.value }),
 * }).uid('temperature-per-device');
 * predictions.getSideOutput(MODEL_VERSIONS).sinkTo(registrySink);
 */
export function learnAndPredict<T, K extends Key, Y extends Target>(
  keyed: KeyedStream<T, K>,
  options: KeyedModelOptions<T, Y>,
): DataStream<KeyedPrediction<K, Y>> {
  return keyedModelStep(keyed, options, 'learn-and-predict');
}

/** Per-key models that learn every record and emit only their versions (side output `MODEL_VERSIONS`). */
export function learn<T, K extends Key, Y extends Target>(
  keyed: KeyedStream<T, K>,
  options: KeyedModelOptions<T, Y>,
): DataStream<KeyedPrediction<K, Y>> {
  return keyedModelStep(keyed, options, 'learn');
}

/**
 * Per-key models that predict and never learn: useful after a restore, with the models a
 * checkpoint or savepoint of a `learn` / `learnAndPredict` step with the same uid holds.
 */
export function predict<T, K extends Key, Y extends Target>(
  keyed: KeyedStream<T, K>,
  options: KeyedModelOptions<T, Y>,
): DataStream<KeyedPrediction<K, Y>> {
  return keyedModelStep(keyed, options, 'predict');
}

/**
 * Prequential per-key forecasters (one per series): per record, its key's forecaster forecasts the
 * record's time, the forecast `{ key, ts, value, expected, lower, upper, version }` is emitted (once
 * the model can forecast), then the model learns the record's value (see
 * {@link KeyedForecastOperator}). Versions on the side output `MODEL_VERSIONS`.
 *
 * @example
 * const forecasts = learnAndForecast(readings.keyBy((r) => seriesKey(r.device, r.metric)), {
 *   model: { spec: holtWintersSpec, params: { stepMs: 60_000 } },
 *   value: (r) => r.value,
 * }).uid('forecast-per-series');
 */
export function learnAndForecast<T, K extends Key>(
  keyed: KeyedStream<T, K>,
  options: KeyedForecastOptions<T>,
): DataStream<KeyedForecast<K>> {
  const name = options.name ?? 'learn-and-forecast';
  const { keySelector } = keyed;
  return keyedStep(keyed, name, () => new KeyedForecastOperator<T, K>({ ...options, name, keySelector }));
}

/**
 * The prequential metrics of a model's predictions, per key (see {@link PrequentialMetricsOperator}):
 * `predictions` must be the output of a per-key model step (or otherwise partitioned by the
 * predictions' key), which this step chains onto. Set a `uid` for savepoints.
 *
 * @example
 * const forecasts = learnAndForecast(keyed, { model, value: (r) => r.value }).uid('forecast');
 * prequentialMetrics(forecasts, {
 *   name: 'forecast-metrics', model: 'forecast', ...forecastScoring, rollingWindow: 1000, metricsEveryMs: 60_000,
 * }).uid('forecast-metrics').sinkTo(modelMetricsSink);
 */
export function prequentialMetrics<IN, O extends MetricState>(
  predictions: DataStream<IN>,
  config: PrequentialMetricsConfig<IN, O>,
): DataStream<ModelMetricsReport> {
  return predictions.transform(config.name, () => new PrequentialMetricsOperator(config), true);
}

/**
 * Each device's readings of one timestamp as one row (see {@link DeviceRowsOperator}), still keyed
 * by device: per-device models chain onto it without another exchange. `uid` is the rows step's;
 * `stateTtlMs` drops idle devices (see {@link DeviceRowsOperator}).
 *
 * @example
 * const rows = deviceRows(readings.keyBy((r) => r.device), { name: 'rows', uid: 'model-power-rows' });
 * learnAndPredict(rows, { model, example: rowExample({ target: 'power', timeFeatures: true }) });
 */
export function deviceRows(
  keyed: KeyedStream<Reading, string>,
  options: { readonly name?: string; readonly uid?: string; readonly stateTtlMs?: number } = {},
): KeyedStream<DeviceRow, string> {
  const name = options.name ?? 'device-rows';
  const { stateTtlMs } = options;
  const rows = keyedStep(keyed, name, () => new DeviceRowsOperator(name, { stateTtlMs }));
  if (options.uid !== undefined) rows.uid(options.uid);
  return new KeyedStream(rows.env, rows.transformation, (row: DeviceRow) => row.device);
}

function keyedModelStep<T, K extends Key, Y extends Target>(
  keyed: KeyedStream<T, K>,
  options: KeyedModelOptions<T, Y>,
  mode: KeyedModelMode,
): DataStream<KeyedPrediction<K, Y>> {
  const name = options.name ?? mode;
  const { keySelector } = keyed;
  return keyedStep(
    keyed,
    name,
    () => new KeyedModelOperator<T, K, Y>({ ...options, name, keySelector, mode }),
  );
}

/** A keyed operator right after the stream's `keyBy` partition. */
function keyedStep<T, K extends Key, OUT>(
  keyed: KeyedStream<T, K>,
  name: string,
  create: () => StreamOperator<T, OUT>,
): DataStream<OUT> {
  return new DataStream<T>(keyed.env, keyed.transformation).transform(name, create, true);
}
