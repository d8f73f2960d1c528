import type { PayloadMapping, TimeFormat } from '../connectors/mqtt/payload-mapping.ts';
import type { TelemetryDecodeLimits } from '../connectors/mqtt/telemetry-ingest.ts';

/**
 * A job as a job file describes it, checked and with every default filled in: what `parseJobFile`
 * returns and `defineJob` builds. Durations are in ms. See README.md, "Job files", for the YAML.
 *
 * @example
 * const spec = parseJobFile(readFileSync('job.yaml', 'utf8'), 'job.yaml');
 * spec.windows[0]; // { type: 'tumbling', sizeMs: 10000, offsetMs: 0, allowedLatenessMs: 0, aggregates: [...], late: 'count' }
 */
export interface JobSpec {
  /** Job name, in logs and metrics. */
  readonly name: string;
  readonly source: SourceSpec;
  readonly time: TimeSpec;
  /** What a series is: by device and metric (default), by device only, or by metric only. */
  readonly key: readonly KeyPart[];
  /** One or more windows, each its own branch of the job with its own results. */
  readonly windows: readonly WindowSpec[];
  /** Online models trained on the readings (none when the file has no `models`). */
  readonly models: readonly ModelStepSpec[];
  /** Anomaly detectors on the readings (none when the file has no `detectors`). */
  readonly detectors: readonly DetectorStepSpec[];
  readonly sinks: SinksSpec;
  /** Per-key state of the models and detectors (absent: the server's default, see {@link stateTtlOf}). */
  readonly state?: StateSpec;
}

/**
 * How long the job keeps the per-key state of its models and detectors (`state:` in a job file):
 * a key (a device, a series) whose last reading is `ttlMs` older than the watermark is dropped
 * with its model, detector and metrics (`IdleKeyExpiry`); `off` keeps every key forever.
 */
export interface StateSpec {
  readonly ttlMs: number | 'off';
}

/**
 * One online model a job file declares (`models:`), checked against the model registry.
 *
 * - Forecasters learn each series (`per: series`): per reading, the series' model forecasts the
 *   reading's time, the forecast goes out as a prediction, then the model learns the reading.
 * - Regressors, classifiers and clusterers learn from rows: a device's readings of one
 *   timestamp, `target` (a metric) to predict from `features` (other metrics, default all the
 *   others) and, with `timeFeatures`, the hour of day; one model per device (`per: device`) or
 *   one for the fleet (`per: global`, merged from every subtask's partial updates).
 */
export interface ModelStepSpec {
  /** Unique in the job: the registry and API name, and the checkpoint uid `model-<name>`. */
  readonly name: string;
  /** Registry name of the estimator, e.g. `holt-winters`. */
  readonly estimator: string;
  /** Its hyperparameters, validated against the estimator's spec (absent ones take defaults). */
  readonly params: Readonly<Record<string, number | boolean | string>>;
  readonly per: ModelScope;
  /** Readings of these metrics only (absent: all). Forecasters: the series forecast. */
  readonly metrics?: readonly string[];
  /** The metric to predict (regressors and classifiers). */
  readonly target?: string;
  /** Row metrics used as features (absent: every metric of the row but the target). */
  readonly features?: readonly string[];
  /** Adds the hour of day (`tod_sin`, `tod_cos`) to a row's features. */
  readonly timeFeatures: boolean;
  /** A running standard scaler in front of the model (rows only). */
  readonly scale: boolean;
  /** Forecasters: the prediction interval's coverage (default 0.95). */
  readonly coverage: number;
  /** At most one model version per key this often, in event time (default 1 min). */
  readonly versionEveryMs: number;
  /** Prequential metrics this often, in event time (default 1 min). */
  readonly metricsEveryMs: number;
  /** Predictions the rolling metrics cover (default 1000). */
  readonly rollingWindow: number;
}

/**
 * One anomaly detector a job file declares (`detectors:`): one detector, or several combined
 * (`combine: max | vote`), per series (univariate detectors, each series alone) or per device
 * (multivariate detectors on device rows), with a decision step: an incident opens when the
 * score reaches `threshold`, closes when it falls below `clearThreshold` (hysteresis), and no new
 * incident of the same series (or device) opens within `cooldownMs` after one closed.
 */
export interface DetectorStepSpec {
  /** Unique in the job: the events' `detector`, and the checkpoint uid `detector-<name>`. */
  readonly name: string;
  /** The detectors (registry names and parameters): one, or an ensemble. */
  readonly members: readonly DetectorMemberSpec[];
  /** How an ensemble's scores combine: the highest, or the share of members at or above 0.5. */
  readonly combine: 'max' | 'vote';
  /** `series`: one detector per (device, metric); `device`: one per device on its rows. */
  readonly per: 'series' | 'device';
  /** Readings of these metrics only (absent: all). */
  readonly metrics?: readonly string[];
  readonly decision: DecisionSpec;
  /** Per-device and per-metric changes to the decision, the last matching entry winning. */
  readonly overrides: readonly DecisionOverride[];
}

/** One detector of a {@link DetectorStepSpec}. */
export interface DetectorMemberSpec {
  readonly detector: string;
  readonly params: Readonly<Record<string, number | boolean | string>>;
}

/** When a score becomes an incident, and when the next one may open. */
export interface DecisionSpec {
  /** An incident opens at a score at or above this (default 0.5). */
  readonly threshold: number;
  /** It closes when the score falls below this (default threshold − 0.1; at most threshold). */
  readonly clearThreshold: number;
  /** After an incident closes, none opens for this long in event time (default 5 min). */
  readonly cooldownMs: number;
}

/** Decision settings for some devices and/or metrics (absent: all); unset fields keep the step's. */
export interface DecisionOverride {
  readonly devices?: readonly string[];
  readonly metrics?: readonly string[];
  readonly threshold?: number;
  readonly clearThreshold?: number;
  readonly cooldownMs?: number;
  /** Turns detection off for the devices / metrics matched. */
  readonly off?: boolean;
}

/** `series`: one model per (device, metric); `device`: per device; `global`: one for all. */
export type ModelScope = 'series' | 'device' | 'global';

/** Where readings come from: MQTT topic patterns, and which payload fields mean what. */
export interface SourceSpec {
  /** MQTT topic patterns, each with a `{device}` level, e.g. `sensors/{device}/telemetry`. */
  readonly topics: readonly string[];
  readonly timeField: string;
  readonly timeFormat: TimeFormat;
  /** Only these fields are metrics (when set). */
  readonly include?: readonly string[];
  /** These fields are not metrics (when set). */
  readonly exclude?: readonly string[];
}

/** Event time: how late readings may be, and what happens when the stream goes quiet. */
export interface TimeSpec {
  readonly maxOutOfOrdernessMs: number;
  /** After this much silence event time follows the clock, so the last windows close. */
  readonly quietPeriodMs: number;
  /** After this long without a record a source stops holding back the watermark (unset: never). */
  readonly idleTimeoutMs?: number;
  /**
   * Readings stamped more than this far ahead of processing time go to the dead letters
   * (`ts_out_of_range`) instead of advancing the watermark (unset: no bound; default 5 min).
   */
  readonly maxFutureMs?: number;
  /** Readings stamped more than this far behind processing time go to the dead letters (unset: no bound, the default). */
  readonly maxPastMs?: number;
}

export type KeyPart = 'device' | 'metric';

/** What a window does besides its shape: lateness, aggregates, and where late readings go. */
interface WindowCommon {
  readonly allowedLatenessMs: number;
  /** Aggregate names, e.g. `count`, `mean`, `p95` (`count` is always computed). */
  readonly aggregates: readonly string[];
  /** Readings later than the allowed lateness: only counted, or also written to `late_readings`. */
  readonly late: LateHandling;
}

export type LateHandling = 'count' | 'influx';

export type WindowSpec =
  | (WindowCommon & { readonly type: 'tumbling'; readonly sizeMs: number; readonly offsetMs: number })
  | (WindowCommon & {
      readonly type: 'sliding';
      readonly sizeMs: number;
      readonly slideMs: number;
      readonly offsetMs: number;
    })
  | (WindowCommon & { readonly type: 'session'; readonly gapMs: number });

export type WindowType = WindowSpec['type'];

/** Where results go. */
export interface SinksSpec {
  /** InfluxDB (the target of `--influx`), when set: the measurement written. */
  readonly influx?: { readonly measurement: string };
  /** The live feed (dashboard and `/api/live`). */
  readonly live: boolean;
}

/** What a job file leaves out. */
export const JOB_DEFAULTS = {
  topics: ['sensors/{device}/telemetry'],
  timeField: 'ts',
  timeFormat: 'auto',
  maxOutOfOrdernessMs: 2_000,
  quietPeriodMs: 30_000,
  /**
   * Above any drift of a device clock that is merely unsynchronised, below every time-zone offset
   * (the smallest is 30 min), so local time sent as UTC is refused; and a single mis-stamped reading
   * can advance the watermark by 5 min at most.
   */
  maxFutureMs: 300_000,
  key: ['device', 'metric'],
  allowedLatenessMs: 0,
  aggregates: ['count', 'mean', 'min', 'max', 'stddev'],
  late: 'count',
  measurement: 'window_agg',
  detectors: { combine: 'max', per: 'series', threshold: 0.5, hysteresis: 0.1, cooldownMs: 300_000 },
  models: {
    per: { forecaster: 'series', other: 'device' },
    timeFeatures: false,
    scale: true,
    coverage: 0.95,
    versionEveryMs: 60_000,
    metricsEveryMs: 60_000,
    rollingWindow: 1_000,
  },
  live: true,
  /**
   * A day: it covers daily duty cycles (a device off overnight keeps its model), while a fleet
   * whose device ids rotate holds about one day of ids. A device silent for longer relearns from
   * scratch (models and detectors warm up in minutes to hours), so set more for devices that
   * report less than daily.
   */
  stateTtlMs: 86_400_000,
} as const;

/**
 * The TTL of a job's per-key model and detector state in ms, or undefined for none: the job's
 * `state.ttl`, else `fallback` (the server's `--state-ttl`), else {@link JOB_DEFAULTS}`.stateTtlMs`.
 *
 * @example
 * stateTtlOf({ state: { ttlMs: 3_600_000 } }); // 3600000
 * stateTtlOf({}, 'off'); // undefined
 * stateTtlOf({}); // 86400000
 */
export function stateTtlOf(
  spec: { readonly state?: StateSpec },
  fallback?: number | 'off',
): number | undefined {
  const ttl = spec.state?.ttlMs ?? fallback ?? JOB_DEFAULTS.stateTtlMs;
  return ttl === 'off' ? undefined : ttl;
}

/**
 * The job with `ttl` as its state TTL unless its file set one (what `eddy start --state-ttl` does).
 *
 * @example
 * withDefaultStateTtl(spec, 'off').state; // { ttlMs: 'off' } (unless spec.state was set)
 */
export function withDefaultStateTtl<S extends JobSpec>(spec: S, ttl: number | 'off' | undefined): S {
  return ttl === undefined || spec.state !== undefined ? spec : { ...spec, state: { ttlMs: ttl } };
}

/**
 * The source's payload mapping in the MQTT connectors' terms.
 *
 * @example
 * payloadMappingOf(spec.source); // { timeField: 'ts', timeFormat: 'auto' }
 */
export function payloadMappingOf(source: SourceSpec): PayloadMapping {
  return {
    timeField: source.timeField,
    timeFormat: source.timeFormat,
    ...(source.include === undefined ? {} : { include: source.include }),
    ...(source.exclude === undefined ? {} : { exclude: source.exclude }),
  };
}

/**
 * The source's timestamp bounds in the MQTT connectors' terms (their `limits`); each source fills
 * in `now` from the job's Clock per message.
 *
 * @example
 * telemetryLimitsOf({ maxOutOfOrdernessMs: 2000, quietPeriodMs: 30000, maxFutureMs: 300000 });
 * // { maxFutureMs: 300000 }
 */
export function telemetryLimitsOf(time: TimeSpec): TelemetryDecodeLimits {
  return {
    ...(time.maxFutureMs === undefined ? {} : { maxFutureMs: time.maxFutureMs }),
    ...(time.maxPastMs === undefined ? {} : { maxPastMs: time.maxPastMs }),
  };
}
