import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MODEL_METRICS } from '../../connectors/influx/influx-schema.ts';
import { type Clock, systemClock } from '../../engine/time/clock.ts';
import { ApiErrors } from '../errors.ts';
import { type History, type HistoryRow, influxTime, numberOrNull, readHistory } from '../history.ts';
import {
  DEFAULT_MODEL_METRICS_LIMIT,
  DEFAULT_MODEL_METRICS_RANGE_MS,
  MAX_MODEL_METRICS_RANGE_MS,
  ModelMetricsParamsSchema,
  type ModelMetricsPoint,
  ModelMetricsQuerySchema,
  type ModelMetricsResponse,
  ModelMetricsResponseSchema,
} from '../schemas/model-metrics.ts';
import { checkRange, parseTimeParam } from '../time-range.ts';

/** Options of {@link modelMetricsRoutes}. */
export interface ModelMetricsRoutesOptions {
  readonly history: History;
  /** `to` when the request gives none. Default the system clock. */
  readonly clock?: Clock;
}

/** The fields of `model_metrics` that are metrics (not `count` or `version`). */
const METRIC_FIELDS: readonly string[] = Object.values(MODEL_METRICS.fields).filter(
  (name) => name !== MODEL_METRICS.fields.count && name !== MODEL_METRICS.fields.version,
);

/**
 * `GET /api/models/:name/metrics?key=&scope=&from=&to=&limit=`: a model's prequential metrics for
 * one key over `[from, to)` from InfluxDB `model_metrics`, oldest first (the newest `limit`, default
 * {@link DEFAULT_MODEL_METRICS_LIMIT}). `key` defaults to `*` (a global model), `scope` to
 * `rolling`, `to` to now, `from` to an hour before `to`; the range is at most 400 days. Each point
 * has the model version its predictions were made with, so a chart can mark where versions change.
 * Names and keys are matched against patterns and reach InfluxDB as bound parameters; anything
 * else is a 400, a failing InfluxDB a 503 `EDDY_HISTORY_UNAVAILABLE`.
 *
 * @example
 * // GET /api/models/forecast/metrics?key=boiler-1/temperature&scope=rolling&from=2024-05-01T12:00:00Z
 * // → {"model":"forecast","key":"boiler-1/temperature","scope":"rolling","from":...,"to":...,
 * //    "points":[{"ts":1714564860000,"version":3,"count":500,"metrics":{"mae":0.41,"rmse":0.55,"r2":0.93}}]}
 */
export const modelMetricsRoutes: FastifyPluginAsyncTypebox<ModelMetricsRoutesOptions> = async (
  app,
  options,
) => {
  const clock = options.clock ?? systemClock;
  app.get(
    '/api/models/:name/metrics',
    {
      schema: {
        params: ModelMetricsParamsSchema,
        querystring: ModelMetricsQuerySchema,
        response: { 200: ModelMetricsResponseSchema },
      },
    },
    async (request): Promise<ModelMetricsResponse> => {
      const model = request.params.name;
      const { key = '*', scope = 'rolling', limit = DEFAULT_MODEL_METRICS_LIMIT } = request.query;
      const to = request.query.to === undefined ? clock.now() : parseTimeParam(request.query.to, 'to');
      const from =
        request.query.from === undefined
          ? to - DEFAULT_MODEL_METRICS_RANGE_MS
          : parseTimeParam(request.query.from, 'from');
      checkRange(from, to);
      if (to - from > MAX_MODEL_METRICS_RANGE_MS) {
        throw ApiErrors.invalidRequest(
          `the range from "from" to "to" spans ${Math.ceil((to - from) / 86_400_000)} days; at most ${MAX_MODEL_METRICS_RANGE_MS / 86_400_000} days per request`,
        );
      }
      const rows = await readHistory(options.history, modelMetricsQuery(limit), {
        model,
        key,
        scope,
        from: influxTime(from),
        to: influxTime(to),
      });
      return { model, key, scope, from, to, points: rows.reverse().map(toPoint) };
    },
  );
};

/** The newest `limit` reports of one (model, key, scope) in the range; `key` is a keyword: quoted. */
function modelMetricsQuery(limit: number): string {
  const t = MODEL_METRICS.tags;
  return (
    `SELECT * FROM "${MODEL_METRICS.measurement}" ` +
    `WHERE "${t.model}" = $model AND "${t.key}" = $key AND "${t.scope}" = $scope AND time >= $from AND time < $to ` +
    `ORDER BY time DESC LIMIT ${Math.trunc(limit)}`
  );
}

function toPoint(row: HistoryRow): ModelMetricsPoint {
  const metrics: Record<string, number> = {};
  for (const name of METRIC_FIELDS) {
    const value = numberOrNull(row[name]);
    if (value !== null) metrics[name] = value;
  }
  return {
    ts: row.time,
    version: integerOrNull(row[MODEL_METRICS.fields.version]),
    count: integerOrNull(row[MODEL_METRICS.fields.count]),
    metrics,
  };
}

function integerOrNull(value: unknown): number | null {
  const n = numberOrNull(value);
  return n === null ? null : Math.trunc(n);
}
