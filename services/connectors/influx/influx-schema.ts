import { FieldType, type ISchemaOptions } from 'influx';

/**
 * Eddy's InfluxDB 1.x schema: one entry per measurement, naming its tags and typing its fields.
 * Writers, queries (API, dashboards) and tests take names from here instead of repeating strings.
 *
 * Every measurement is stamped in milliseconds ({@link WRITE_PRECISION}) with a time taken from the
 * record, never from the wall clock: a point is identified by measurement + tags + time, so writing
 * the same result again overwrites it (replays after a restart are idempotent).
 *
 * The tags listed here are Eddy's own. Points of `window_agg`, `late_readings`, `predictions` and
 * `anomalies` also carry their device's registry tags after them (`site=lyon`, ...); the registry
 * refuses keys that would clash with Eddy's. Adding, changing or removing a device's tags changes
 * the tag set of its later points, so they form a new series: earlier points keep the tags they
 * were written with.
 *
 * Measurement and tag/field names must stay plain identifiers: the `influx` client escapes tag and
 * field values, but writes measurement names as they are.
 *
 * @example
 * WINDOW_AGG.measurement;          // 'window_agg'
 * WINDOW_AGG.fields.count;         // 'count', an integer field
 * PREDICTIONS.tags.model;          // 'model'
 * ANOMALIES.fields.reason;         // 'reason', a string field
 * eddyInfluxSchemas('plant');      // what createInfluxClient registers for database `plant`
 */
export const WINDOW_AGG = {
  measurement: 'window_agg',
  tags: { device: 'device', metric: 'metric', window: 'window' },
  fields: { count: 'count', mean: 'mean', min: 'min', max: 'max', stddev: 'stddev' },
  fieldTypes: {
    count: FieldType.INTEGER,
    mean: FieldType.FLOAT,
    min: FieldType.FLOAT,
    max: FieldType.FLOAT,
    stddev: FieldType.FLOAT,
  },
} as const;

/**
 * A model's prediction for one reading (`services/domain/prediction.ts`), stamped with the
 * reading's event time: the reading (`value`), the prediction (`expected`) and its interval.
 */
export const PREDICTIONS = {
  measurement: 'predictions',
  tags: { device: 'device', metric: 'metric', model: 'model' },
  fields: { value: 'value', expected: 'expected', lower: 'lower', upper: 'upper' },
  fieldTypes: {
    value: FieldType.FLOAT,
    expected: FieldType.FLOAT,
    lower: FieldType.FLOAT,
    upper: FieldType.FLOAT,
  },
} as const;

/**
 * A model's prequential metrics for one key (`ModelMetricsReport` of `ml/operators/model-outputs.ts`),
 * `scope` cumulative or rolling; a field per metric the model's kind computes. `key` is an
 * InfluxQL keyword: quote it in queries (`WHERE "key" = 'boiler-1/temperature'`).
 */
export const MODEL_METRICS = {
  measurement: 'model_metrics',
  tags: { model: 'model', key: 'key', scope: 'scope' },
  fields: {
    count: 'count',
    version: 'version',
    mae: 'mae',
    rmse: 'rmse',
    r2: 'r2',
    accuracy: 'accuracy',
    log_loss: 'log_loss',
    f1: 'f1',
    roc_auc: 'roc_auc',
    inertia: 'inertia',
  },
  fieldTypes: {
    count: FieldType.INTEGER,
    version: FieldType.INTEGER,
    mae: FieldType.FLOAT,
    rmse: FieldType.FLOAT,
    r2: FieldType.FLOAT,
    accuracy: FieldType.FLOAT,
    log_loss: FieldType.FLOAT,
    f1: FieldType.FLOAT,
    roc_auc: FieldType.FLOAT,
    inertia: FieldType.FLOAT,
  },
} as const;

/**
 * An anomaly a job's detector found (`services/domain/anomaly.ts`), stamped with the event time
 * that opened the incident: its score, the reading (`value`), the detector's normal value and
 * range (`expected`, `lower`, `upper`) and why (`reason`). `detector` is the job's name for the
 * detector step; `metric` a metric, or the metrics joined with `,` for multivariate detectors.
 */
export const ANOMALIES = {
  measurement: 'anomalies',
  tags: { device: 'device', metric: 'metric', detector: 'detector' },
  fields: {
    score: 'score',
    value: 'value',
    expected: 'expected',
    lower: 'lower',
    upper: 'upper',
    reason: 'reason',
  },
  fieldTypes: {
    score: FieldType.FLOAT,
    value: FieldType.FLOAT,
    expected: FieldType.FLOAT,
    lower: FieldType.FLOAT,
    upper: FieldType.FLOAT,
    reason: FieldType.STRING,
  },
} as const;

/** The precision every Eddy point is written with: epoch milliseconds. */
export const WRITE_PRECISION = 'ms';

/** One measurement of the schema, in the shape used above. */
export interface MeasurementSchema {
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, string>>;
  readonly fieldTypes: Readonly<Record<string, FieldType>>;
}

/** Every measurement Eddy writes. New ones (predictions, anomalies, model and engine metrics) go here. */
export const EDDY_MEASUREMENTS: readonly MeasurementSchema[] = [
  WINDOW_AGG,
  PREDICTIONS,
  MODEL_METRICS,
  ANOMALIES,
];

/**
 * The schema in the `influx` client's form, for `database`. The client needs it to write integer
 * fields as integers (`count=3i`) and refuses points with fields the schema does not name; it would
 * refuse unnamed tags too, but `createInfluxClient` lets the tag list grow, so a device's registry
 * tags (which follow Eddy's own on every point of a device) go through.
 *
 * @example
 * eddyInfluxSchemas('plant')[0]; // { database: 'plant', measurement: 'window_agg', tags: ['device', 'metric', 'window'], fields: {...} }
 */
export function eddyInfluxSchemas(database: string): ISchemaOptions[] {
  return EDDY_MEASUREMENTS.map((m) => ({
    database,
    measurement: m.measurement,
    tags: Object.values(m.tags),
    fields: Object.fromEntries(
      Object.entries(m.fieldTypes).map(([key, type]) => [m.fields[key] ?? key, type]),
    ),
  }));
}
