import { Type } from 'typebox';
import {
  MAX_FORECAST_TIMESTAMPS,
  MAX_PREDICT_FEATURES,
} from '../../../ml/operators/model-registry-predict.ts';
import { MAX_MODEL_KEYS_PAGE, MODEL_NAME_PATTERN } from '../../../ml/operators/model-registry-types.ts';
import { DEVICE_ID_PATTERN, METRIC_NAME_PATTERN } from '../../domain/reading.ts';

/** Latest timestamp a forecast may ask for: JavaScript's last representable date (year 275760). */
const MAX_TIMESTAMP_MS = 8_640_000_000_000_000;

const inner = (pattern: RegExp) => pattern.source.replace(/^\^/, '').replace(/\$$/, '');

/** A model key: `*` (a global model), a device id, or a series key `device/metric`. */
export const MODEL_KEY_PATTERN = `^(\\*|${inner(DEVICE_ID_PATTERN)}(/${inner(METRIC_NAME_PATTERN)})?)$`;

export const ModelNameParamsSchema = Type.Object({
  name: Type.String({
    pattern: MODEL_NAME_PATTERN.source,
    description: 'model name: a letter or digit, then up to 63 letters, digits, "_", "." or "-"',
  }),
});

const ModelKeySchema = Type.String({
  pattern: MODEL_KEY_PATTERN,
  description: 'model key: "*" (a global model), a device id, or "device/metric"',
});
const VersionSchema = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const EstimatorTypeSchema = Type.Union([
  Type.Literal('regressor'),
  Type.Literal('classifier'),
  Type.Literal('clusterer'),
  Type.Literal('transformer'),
  Type.Literal('forecaster'),
]);
const Per = Type.Union([Type.Literal('series'), Type.Literal('device'), Type.Literal('global')]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const ModelKeysQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_MODEL_KEYS_PAGE })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
});

export const ModelVersionsQuerySchema = Type.Object({ key: Type.Optional(ModelKeySchema) });

export const ModelSnapshotQuerySchema = Type.Object({
  key: Type.Optional(ModelKeySchema),
  version: Type.Optional(VersionSchema),
});

/**
 * `POST /api/models/:name/predict`: a key (left out only for a global model), a version (default
 * the latest), and either `features` (metric-like names, finite numbers) or `timestamps`
 * (forecasters: increasing epoch ms; the route checks the order).
 */
export const PredictRequestSchema = Type.Object(
  {
    key: Type.Optional(ModelKeySchema),
    version: Type.Optional(VersionSchema),
    features: Type.Optional(
      Type.Record(Type.String({ pattern: METRIC_NAME_PATTERN.source }), Type.Number(), {
        maxProperties: MAX_PREDICT_FEATURES,
        propertyNames: { pattern: METRIC_NAME_PATTERN.source },
        description: `up to ${MAX_PREDICT_FEATURES} features by metric name (or tod_sin, tod_cos), finite numbers`,
      }),
    ),
    timestamps: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: MAX_TIMESTAMP_MS }), {
        minItems: 1,
        maxItems: MAX_FORECAST_TIMESTAMPS,
        description: `1 to ${MAX_FORECAST_TIMESTAMPS} increasing epoch-ms timestamps to forecast at`,
      }),
    ),
  },
  { additionalProperties: false },
);

export const ModelSummarySchema = Type.Object({
  name: Type.String(),
  estimator: Type.String(),
  type: EstimatorTypeSchema,
  per: Per,
  keys: Type.Integer({ minimum: 0 }),
  latestVersion: Nullable(Type.Integer()),
  updatedAt: Nullable(Type.Number()),
  learned: Type.Number(),
});

export const ModelsListResponseSchema = Type.Object({ models: Type.Array(ModelSummarySchema) });

const VersionInfo = {
  version: Type.Integer(),
  ts: Type.Number(),
  learned: Type.Number(),
};

export const ModelDescriptionResponseSchema = Type.Object({
  name: Type.String(),
  estimator: Type.String(),
  type: EstimatorTypeSchema,
  per: Per,
  params: Type.Record(Type.String(), Type.Unknown()),
  scale: Type.Boolean(),
  totalKeys: Type.Integer({ minimum: 0 }),
  evictedKeys: Type.Integer({ minimum: 0 }),
  keys: Type.Array(Type.Object({ key: Type.String(), ...VersionInfo })),
});

export const ModelVersionsResponseSchema = Type.Object({
  model: Type.String(),
  key: Type.String(),
  versions: Type.Array(Type.Object({ ...VersionInfo, snapshotKept: Type.Boolean() })),
});

/** A non-finite number (which JSON cannot carry) is sent as `null`. */
const Value = Nullable(Type.Number());

export const PredictResponseSchema = Type.Object({
  model: Type.String(),
  key: Type.String(),
  version: Type.Integer(),
  prediction: Type.Optional(Type.Union([Type.Number(), Type.String(), Type.Null()])),
  proba: Type.Optional(Type.Record(Type.String(), Value)),
  forecast: Type.Optional(
    Type.Array(Type.Object({ ts: Type.Number(), value: Value, lower: Value, upper: Value })),
  ),
});
