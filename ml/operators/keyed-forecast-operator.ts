import type { Key } from '../../services/engine/api/functions.ts';
import type { Forecaster } from '../core/estimator.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { type KeyedEstimatorConfig, KeyedEstimatorOperator } from './keyed-estimator-operator.ts';
import type { ModelParamValue } from './model-handle.ts';

/**
 * A forecast of a key's series at a record's time, made before the model learned the record:
 * `value` is the record's, `expected` the forecast, `lower` / `upper` its prediction interval.
 */
export interface KeyedForecast<K extends Key> {
  readonly key: K;
  /** The record's timestamp (also the output record's). */
  readonly ts: number;
  readonly value: number;
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  /** The model version the forecast was made with (0 before the key's first version). */
  readonly version: number;
}

/** A per-key model operator's configuration, and how a record feeds its forecaster. */
export interface KeyedForecastOperatorConfig<IN, K extends Key> extends KeyedEstimatorConfig<IN, K> {
  /** The observed value of a record (its time is the record's timestamp). */
  readonly value: (record: IN) => number;
  /** Coverage of the prediction interval (default 0.95). */
  readonly coverage?: number;
}

/** A key's forecaster, as the keyed operators hold models. */
export interface ForecasterHandle {
  readonly estimator: Forecaster;
}

/**
 * One forecaster per key (per series), test-then-train: per record `(y, ts)`, if the key's model
 * can forecast yet, `forecast([ts], coverage)` goes out as a {@link KeyedForecast}, then the model
 * learns `y` at `ts`. Forecasters take their observations in time order: a record at or before
 * the latest time its key learned is forecast but not learned (nor is a value that is not a
 * finite number). Versions and checkpoints as every per-key model operator
 * (`KeyedEstimatorOperator`); watermarks pass through.
 *
 * @example
 * const op = new KeyedForecastOperator({
 *   name: 'forecast', keySelector: (r: Reading) => seriesKey(r.device, r.metric),
 *   model: { spec: holtWintersSpec, params: { stepMs: 60_000 } }, value: (r) => r.value,
 * }); // emits { key: 'boiler-1/temperature', ts, value, expected, lower, upper, version }
 */
export class KeyedForecastOperator<IN, K extends Key> extends KeyedEstimatorOperator<
  IN,
  KeyedForecast<K>,
  K,
  ForecasterHandle
> {
  private readonly value: (record: IN) => number;
  private readonly coverage: number;

  constructor(config: KeyedForecastOperatorConfig<IN, K>) {
    super(config, 'keyed-forecast', createForecasterHandle);
    this.value = config.value;
    this.coverage = config.coverage ?? 0.95;
    if (!(this.coverage > 0 && this.coverage < 1))
      throw new RangeError(`${config.name}: coverage must be in (0, 1), got ${this.coverage}`);
  }

  processElement(record: IN, timestamp: number): void {
    this.recordsIn++;
    const key = this.keySelector(record);
    const entry = this.entryOf(key, timestamp);
    const forecaster = entry.model.estimator;
    const y = this.value(record);
    const [forecast] = forecaster.forecast([timestamp], this.coverage);
    if (forecast !== undefined) {
      const { value: expected, lower, upper } = forecast;
      this.emit({ key, ts: timestamp, value: y, expected, lower, upper, version: entry.version }, timestamp);
    }
    if (timestamp <= entry.lastTs || !Number.isFinite(y)) return;
    forecaster.learnOne(y, timestamp);
    this.learnedAt(key, entry, timestamp);
  }
}

/**
 * Builds a forecaster from its spec; other model types are refused.
 *
 * @example
 * createForecasterHandle(holtWintersSpec, fullModelParams({ spec: holtWintersSpec })).estimator.forecast([ts]);
 */
export function createForecasterHandle(
  spec: ModelSpec,
  params: Readonly<Record<string, ModelParamValue>>,
): ForecasterHandle {
  if (spec.type !== 'forecaster') {
    throw new Error(`${spec.name} is a ${spec.type}: per-key forecast operators take forecasters`);
  }
  return { estimator: spec.create(params) };
}
