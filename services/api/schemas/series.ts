import { type Static, Type } from 'typebox';
import { TimeParamSchema } from '../time-range.ts';
import { DeviceIdSchema, MetricNameSchema } from './identifiers.ts';

/** Finest `every`: one second (window aggregates are seldom finer). */
export const MIN_EVERY_MS = 1_000;
/** Most band points one request may ask for: `(to - from) / every`. */
export const MAX_SERIES_POINTS = 10_000;
/** Widest range: 400 days. */
export const MAX_SERIES_RANGE_MS = 400 * 86_400_000;
/** Range when `from` is absent: the hour before `to`. */
export const DEFAULT_SERIES_RANGE_MS = 3_600_000;
/** Band points aimed at when `every` is absent. */
export const DEFAULT_SERIES_POINTS = 360;
/** Anomalies returned at most (the newest in the range). */
export const MAX_SERIES_ANOMALIES = 1_000;

/** A duration: a positive integer and a unit, `500ms`, `10s`, `5m`, `1h`, `1d`. */
export const DURATION_PATTERN = '^[1-9][0-9]{0,8}(ms|s|m|h|d)$';

export const SeriesParamsSchema = Type.Object({ id: DeviceIdSchema }, { additionalProperties: false });

export const SeriesQuerySchema = Type.Object(
  {
    metric: MetricNameSchema,
    from: Type.Optional(TimeParamSchema),
    to: Type.Optional(TimeParamSchema),
    every: Type.Optional(
      Type.String({
        pattern: DURATION_PATTERN,
        description: `bucket of the band, e.g. 10s, 5m, 1h; at least ${MIN_EVERY_MS / 1000}s. Default: about ${DEFAULT_SERIES_POINTS} buckets over the range`,
      }),
    ),
    window: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_.-]{1,32}$',
        description: 'only the aggregates of this window (its `window` tag, e.g. 10s)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SeriesQuery = Static<typeof SeriesQuerySchema>;

const Num = Type.Union([Type.Number(), Type.Null()]);

export const SeriesResponseSchema = Type.Object({
  device: Type.String(),
  metric: Type.String(),
  from: Type.Number({ description: 'epoch ms, inclusive' }),
  to: Type.Number({ description: 'epoch ms, exclusive' }),
  every: Type.String({ description: 'bucket size, e.g. 10000ms' }),
  band: Type.Array(
    Type.Object({
      ts: Type.Number({ description: 'bucket start, epoch ms' }),
      min: Num,
      mean: Num,
      max: Num,
      count: Num,
    }),
    { description: 'window aggregates per bucket: lowest min, mean of means, highest max, summed count' },
  ),
  forecast: Type.Array(
    Type.Object({
      ts: Type.Number(),
      model: Type.String(),
      value: Num,
      expected: Num,
      lower: Num,
      upper: Num,
    }),
    { description: 'predictions per bucket and model: mean reading and prediction, widest interval' },
  ),
  anomalies: Type.Array(
    Type.Object({
      ts: Type.Number(),
      detector: Type.String(),
      score: Num,
      value: Num,
      expected: Num,
      lower: Num,
      upper: Num,
      reason: Type.String(),
      acknowledged: Type.Boolean(),
    }),
    { description: `anomalies in the range, oldest first (the newest ${MAX_SERIES_ANOMALIES})` },
  ),
});
export type SeriesResponse = Static<typeof SeriesResponseSchema>;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A validated duration (see {@link DURATION_PATTERN}) in ms.
 *
 * @example
 * durationMs('5m'); // 300000
 */
export function durationMs(text: string): number {
  const match = /^([0-9]+)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
