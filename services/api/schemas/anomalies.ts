import { type Static, Type } from 'typebox';
import { METRIC_NAME_PATTERN } from '../../domain/reading.ts';
import { TimeParamSchema } from '../time-range.ts';
import { DeviceIdSchema } from './identifiers.ts';

/** Largest `limit` of `GET /api/anomalies`. */
export const MAX_ANOMALIES_LIMIT = 1_000;
/** `limit` when the request gives none. */
export const DEFAULT_ANOMALIES_LIMIT = 100;

const METRIC = METRIC_NAME_PATTERN.source.slice(1, -1);

/** A metric, or the metrics of a multivariate detector joined with `,` (`temperature,pressure`). */
export const AnomalyMetricSchema = Type.String({
  pattern: `^${METRIC}(?:,${METRIC}){0,15}$`,
  maxLength: 1_040,
  description: 'metric name, or metrics joined with "," for a multivariate detector',
});

/** A detector's name in the job file (`detectors: [{ name: spikes, ... }]`). */
export const DetectorNameSchema = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
  description: "detector name from the job file: letters, digits, '_', '.' or '-'",
});

export const AnomaliesQuerySchema = Type.Object(
  {
    device: Type.Optional(DeviceIdSchema),
    metric: Type.Optional(AnomalyMetricSchema),
    detector: Type.Optional(DetectorNameSchema),
    from: Type.Optional(TimeParamSchema),
    to: Type.Optional(TimeParamSchema),
    acknowledged: Type.Optional(
      Type.Union([Type.Literal('true'), Type.Literal('false')], {
        description: 'true: only acknowledged anomalies; false: only those not acknowledged yet',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ANOMALIES_LIMIT })),
  },
  { additionalProperties: false },
);
export type AnomaliesQuery = Static<typeof AnomaliesQuerySchema>;

const Num = Type.Union([Type.Number(), Type.Null()]);

export const AnomalySchema = Type.Object({
  device: Type.String(),
  metric: Type.String(),
  detector: Type.String(),
  ts: Type.Number({ description: 'event time that opened the incident, epoch ms' }),
  score: Num,
  value: Num,
  expected: Num,
  lower: Num,
  upper: Num,
  reason: Type.String(),
  acknowledged: Type.Boolean(),
  acknowledgedAt: Type.Union([Type.Number(), Type.Null()], {
    description: 'epoch ms, null when not acknowledged',
  }),
});
export type AnomalyBody = Static<typeof AnomalySchema>;

export const AnomaliesResponseSchema = Type.Object({
  anomalies: Type.Array(AnomalySchema, { description: 'newest first' }),
});

export const AcknowledgeRequestSchema = Type.Object(
  {
    device: DeviceIdSchema,
    metric: AnomalyMetricSchema,
    detector: DetectorNameSchema,
    ts: Type.Integer({
      minimum: 0,
      maximum: 253_402_300_799_999,
      description: "the anomaly's `ts`, epoch ms",
    }),
  },
  { additionalProperties: false },
);
export type AcknowledgeRequest = Static<typeof AcknowledgeRequestSchema>;
