import { type Static, Type } from 'typebox';
import { MODEL_NAME_PATTERN } from '../../../ml/operators/model-registry-types.ts';
import { TimeParamSchema } from '../time-range.ts';
import { MODEL_KEY_PATTERN } from './models.ts';

/** Range when `from` is absent: the hour before `to`. */
export const DEFAULT_MODEL_METRICS_RANGE_MS = 3_600_000;
/** Widest range: 400 days. */
export const MAX_MODEL_METRICS_RANGE_MS = 400 * 86_400_000;
/** Points answered when `limit` is absent (the newest in the range). */
export const DEFAULT_MODEL_METRICS_LIMIT = 2_000;
/** Largest `limit`. */
export const MAX_MODEL_METRICS_LIMIT = 10_000;

export const ModelMetricsParamsSchema = Type.Object(
  {
    name: Type.String({
      pattern: MODEL_NAME_PATTERN.source,
      description: 'model name: a letter or digit, then up to 63 letters, digits, "_", "." or "-"',
    }),
  },
  { additionalProperties: false },
);

export const ModelMetricsQuerySchema = Type.Object(
  {
    key: Type.Optional(
      Type.String({
        pattern: MODEL_KEY_PATTERN,
        description: 'model key: "*" (a global model, the default), a device id, or "device/metric"',
      }),
    ),
    scope: Type.Optional(
      Type.Union([Type.Literal('cumulative'), Type.Literal('rolling')], {
        description: 'cumulative: since the start; rolling (the default): the last rollingWindow predictions',
      }),
    ),
    from: Type.Optional(TimeParamSchema),
    to: Type.Optional(TimeParamSchema),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_MODEL_METRICS_LIMIT,
        description: `points at most, the newest in the range (default ${DEFAULT_MODEL_METRICS_LIMIT})`,
      }),
    ),
  },
  { additionalProperties: false },
);
export type ModelMetricsQuery = Static<typeof ModelMetricsQuerySchema>;

export const ModelMetricsPointSchema = Type.Object({
  ts: Type.Number({ description: 'event time of the report, epoch ms' }),
  version: Type.Union([Type.Integer(), Type.Null()], {
    description: 'model version the predictions were made with (0 before the first)',
  }),
  count: Type.Union([Type.Integer(), Type.Null()], { description: 'predictions the metrics cover' }),
  metrics: Type.Record(Type.String(), Type.Number(), {
    description:
      'the metrics the model kind computes: mae, rmse, r2, accuracy, log_loss, f1, roc_auc, inertia',
  }),
});
export type ModelMetricsPoint = Static<typeof ModelMetricsPointSchema>;

export const ModelMetricsResponseSchema = Type.Object({
  model: Type.String(),
  key: Type.String(),
  scope: Type.Union([Type.Literal('cumulative'), Type.Literal('rolling')]),
  from: Type.Number({ description: 'epoch ms, inclusive' }),
  to: Type.Number({ description: 'epoch ms, exclusive' }),
  points: Type.Array(ModelMetricsPointSchema, { description: 'oldest first' }),
});
export type ModelMetricsResponse = Static<typeof ModelMetricsResponseSchema>;
