import { type Static, type TSchema, Type } from 'typebox';
import { TIME_FORMATS } from '../connectors/mqtt/payload-mapping.ts';
import { DEVICE_ID_PATTERN, METRIC_NAME_PATTERN } from '../domain/reading.ts';

/**
 * The YAML shape of a job file, as TypeBox schemas. Every map refuses keys it does not name, so a
 * typo is an error instead of a setting silently ignored. A schema may carry `expected`: how the
 * error message names what belongs there (`a duration such as 10s`). Windows are checked in two
 * steps: `type` first, then the keys of that type of window ({@link WINDOW_SCHEMAS}).
 */

/** The key of a schema's wording for error messages. */
export const EXPECTED = 'expected';

const strict = { additionalProperties: false } as const;

const DURATION_SOURCE = '(\\d+(\\.\\d+)?(ms|s|m|h|d))+';
const Duration = Type.String({ pattern: `^${DURATION_SOURCE}$`, [EXPECTED]: 'a duration such as 10s' });
const SignedDuration = Type.String({
  pattern: `^-?${DURATION_SOURCE}$`,
  [EXPECTED]: 'a duration such as 5s (or -5s)',
});
const DurationOrOff = Type.String({
  pattern: `^(off|${DURATION_SOURCE})$`,
  [EXPECTED]: 'a duration such as 5m, or off',
});
const AggregateName = Type.String({ minLength: 1, [EXPECTED]: 'an aggregate name such as mean or p95' });

const Source = Type.Object(
  {
    topics: Type.Optional(
      Type.Array(Type.String({ [EXPECTED]: 'a topic such as sensors/{device}/telemetry' }), {
        minItems: 1,
        [EXPECTED]: 'a list of topics such as [sensors/{device}/telemetry]',
      }),
    ),
    timeField: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, [EXPECTED]: 'a field name such as ts' }),
    ),
    timeFormat: Type.Optional(Type.Enum([...TIME_FORMATS])),
    metrics: Type.Optional(
      Type.Object(
        {
          include: Type.Optional(
            Type.Array(
              Type.String({
                pattern: METRIC_NAME_PATTERN.source,
                [EXPECTED]: 'a metric name such as temperature',
              }),
              { minItems: 1, [EXPECTED]: 'a list of field names such as [temperature, humidity]' },
            ),
          ),
          exclude: Type.Optional(
            Type.Array(Type.String({ minLength: 1, [EXPECTED]: 'a field name' }), {
              [EXPECTED]: 'a list of field names such as [battery, rssi]',
            }),
          ),
        },
        { ...strict, [EXPECTED]: 'a map with include or exclude' },
      ),
    ),
  },
  strict,
);

const Time = Type.Object(
  {
    maxOutOfOrderness: Type.Optional(Duration),
    quietPeriod: Type.Optional(Duration),
    idleTimeout: Type.Optional(Duration),
    maxFuture: Type.Optional(DurationOrOff),
    maxPast: Type.Optional(DurationOrOff),
  },
  strict,
);

/** Per-key state of models and detectors: how long an idle key's state is kept. */
const State = Type.Object(
  { ttl: Type.Optional(DurationOrOff) },
  { ...strict, [EXPECTED]: 'a map such as { ttl: 24h }' },
);

const common = {
  type: Type.String(),
  allowedLateness: Type.Optional(Duration),
  aggregates: Type.Optional(
    Type.Array(AggregateName, { minItems: 1, [EXPECTED]: 'a list of aggregates such as [count, mean, p95]' }),
  ),
  late: Type.Optional(Type.Enum(['count', 'influx'])),
};

const Tumbling = Type.Object({ ...common, size: Duration, offset: Type.Optional(SignedDuration) }, strict);
const Sliding = Type.Object(
  { ...common, size: Duration, slide: Duration, offset: Type.Optional(SignedDuration) },
  strict,
);
const Session = Type.Object({ ...common, gap: Duration }, strict);

/** The keys of each type of window, checked once its `type` is known. */
export const WINDOW_SCHEMAS = { tumbling: Tumbling, sliding: Sliding, session: Session } as const;
export type TumblingWindowFile = Static<typeof Tumbling>;
export type SlidingWindowFile = Static<typeof Sliding>;
export type SessionWindowFile = Static<typeof Session>;

const WindowType = Type.Object(
  { type: Type.Enum(['tumbling', 'sliding', 'session']) },
  { [EXPECTED]: 'a map such as { type: tumbling, size: 10s }' },
);

const Sinks = Type.Object(
  {
    influx: Type.Optional(
      Type.Object(
        {
          measurement: Type.Optional(
            Type.String({
              pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
              [EXPECTED]: 'a measurement name (letters, digits and _) such as window_agg',
            }),
          ),
        },
        { ...strict, [EXPECTED]: 'a map such as { measurement: window_agg } ({} for the default)' },
      ),
    ),
    live: Type.Optional(Type.Boolean()),
  },
  strict,
);

const JOB_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
const MetricName = Type.String({
  pattern: METRIC_NAME_PATTERN.source,
  [EXPECTED]: 'a metric name such as temperature',
});
const MetricNames = Type.Array(MetricName, {
  minItems: 1,
  uniqueItems: true,
  [EXPECTED]: 'a list of metric names such as [temperature, humidity]',
});

/**
 * One entry of `models`. What depends on the kind of model (a forecaster or a model of rows) and
 * the parameters of the model named are checked once it is known (`model-step-specs.ts`).
 */
const Model = Type.Object(
  {
    name: Type.String({
      pattern: JOB_NAME_PATTERN,
      [EXPECTED]: "a name of letters, digits, '_', '.' or '-' such as temperature-forecast",
    }),
    model: Type.String({ minLength: 1, [EXPECTED]: 'a model name such as holt-winters' }),
    params: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        [EXPECTED]: "a map of the model's parameters such as { alpha: 0.1 }",
      }),
    ),
    per: Type.Optional(Type.Enum(['series', 'device', 'global'])),
    metrics: Type.Optional(MetricNames),
    target: Type.Optional(MetricName),
    features: Type.Optional(MetricNames),
    timeFeatures: Type.Optional(Type.Boolean()),
    scale: Type.Optional(Type.Boolean()),
    coverage: Type.Optional(Type.Number({ [EXPECTED]: 'a number between 0 and 1 such as 0.95' })),
    versionEvery: Type.Optional(Duration),
    metricsEvery: Type.Optional(Duration),
    rollingWindow: Type.Optional(Type.Integer({ [EXPECTED]: 'a whole number such as 1000' })),
  },
  { ...strict, [EXPECTED]: 'a map such as { name: forecast, model: holt-winters }' },
);
export type ModelFile = Static<typeof Model>;

const DetectorParams = Type.Record(Type.String(), Type.Unknown(), {
  [EXPECTED]: "a map of the detector's parameters such as { window: 100 }",
});
const Score = Type.Number({ [EXPECTED]: 'a score between 0 and 1 such as 0.5' });

/** One detector of an ensemble (`detectors: [{ detector: ewma }, ...]`). */
const DetectorMember = Type.Object(
  {
    detector: Type.String({ minLength: 1, [EXPECTED]: 'a detector name such as rolling-z-score' }),
    params: Type.Optional(DetectorParams),
  },
  { ...strict, [EXPECTED]: 'a map such as { detector: ewma, params: { alpha: 0.1 } }' },
);

/** Decision settings for some devices and/or metrics (`overrides:`). */
const DecisionOverride = Type.Object(
  {
    devices: Type.Optional(
      Type.Array(
        Type.String({ pattern: DEVICE_ID_PATTERN.source, [EXPECTED]: 'a device id such as boiler-1' }),
        { minItems: 1, uniqueItems: true, [EXPECTED]: 'a list of device ids such as [boiler-1, boiler-2]' },
      ),
    ),
    metrics: Type.Optional(MetricNames),
    threshold: Type.Optional(Score),
    clearThreshold: Type.Optional(Score),
    cooldown: Type.Optional(Duration),
    off: Type.Optional(Type.Boolean()),
  },
  { ...strict, [EXPECTED]: 'a map such as { devices: [boiler-1], threshold: 0.8 }' },
);

/**
 * One entry of `detectors`: one detector (`detector`, with `params`), the default set
 * (`detector: default`) or an ensemble (`detectors`, with `combine`). What depends on the
 * detectors named is checked once they are known (`detector-step-specs.ts`).
 */
const Detector = Type.Object(
  {
    name: Type.String({
      pattern: JOB_NAME_PATTERN,
      [EXPECTED]: "a name of letters, digits, '_', '.' or '-' such as spikes",
    }),
    detector: Type.Optional(
      Type.String({ minLength: 1, [EXPECTED]: 'a detector name such as rolling-z-score (or default)' }),
    ),
    detectors: Type.Optional(
      Type.Array(DetectorMember, {
        minItems: 1,
        [EXPECTED]: 'a list of detectors such as [{ detector: ewma }, { detector: median-mad }]',
      }),
    ),
    params: Type.Optional(DetectorParams),
    combine: Type.Optional(Type.Enum(['max', 'vote'])),
    per: Type.Optional(Type.Enum(['series', 'device'])),
    metrics: Type.Optional(MetricNames),
    threshold: Type.Optional(Score),
    clearThreshold: Type.Optional(Score),
    cooldown: Type.Optional(Duration),
    overrides: Type.Optional(
      Type.Array(DecisionOverride, {
        minItems: 1,
        [EXPECTED]: 'a list of overrides such as [{ devices: [boiler-1], threshold: 0.8 }]',
      }),
    ),
  },
  { ...strict, [EXPECTED]: 'a map such as { name: spikes, detector: rolling-z-score }' },
);
export type DetectorFile = Static<typeof Detector>;
export type DetectorMemberFile = Static<typeof DetectorMember>;
export type DecisionOverrideFile = Static<typeof DecisionOverride>;

/** The whole job file (windows only as far as their `type`). */
export const JobFileSchema = Type.Object(
  {
    name: Type.String({
      pattern: JOB_NAME_PATTERN,
      [EXPECTED]: "a name of letters, digits, '_', '.' or '-' such as plant-averages",
    }),
    source: Type.Optional(Source),
    time: Type.Optional(Time),
    key: Type.Optional(
      Type.Array(Type.Enum(['device', 'metric']), {
        minItems: 1,
        uniqueItems: true,
        [EXPECTED]: 'a list such as [device, metric]',
      }),
    ),
    windows: Type.Array(WindowType, { minItems: 1, [EXPECTED]: 'a list of windows' }),
    models: Type.Optional(
      Type.Array(Model, {
        minItems: 1,
        [EXPECTED]: 'a list of models such as [{ name: forecast, model: holt-winters }]',
      }),
    ),
    detectors: Type.Optional(
      Type.Array(Detector, {
        minItems: 1,
        [EXPECTED]: 'a list of detectors such as [{ name: anomalies, detector: default }]',
      }),
    ),
    sinks: Type.Optional(Sinks),
    state: Type.Optional(State),
  },
  { ...strict, [EXPECTED]: 'a map with at least name and windows' },
);
export type JobFile = Static<typeof JobFileSchema>;

/** The schema at a JSON-schema path such as `#/properties/windows/items` (for its `expected`). */
export function schemaAt(root: TSchema, schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const raw of schemaPath.replace(/^#\/?/, '').split('/')) {
    if (raw === '') continue;
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}
