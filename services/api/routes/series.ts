import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ANOMALIES, PREDICTIONS, WINDOW_AGG } from '../../connectors/influx/influx-schema.ts';
import type { DeviceRegistry } from '../../devices/device-registry.ts';
import { type Clock, systemClock } from '../../engine/time/clock.ts';
import { ApiErrors } from '../errors.ts';
import { type History, influxTime, numberOrNull, type QueryParams, readHistory } from '../history.ts';
import {
  DEFAULT_SERIES_POINTS,
  DEFAULT_SERIES_RANGE_MS,
  durationMs,
  MAX_SERIES_ANOMALIES,
  MAX_SERIES_POINTS,
  MAX_SERIES_RANGE_MS,
  MIN_EVERY_MS,
  SeriesParamsSchema,
  type SeriesQuery,
  SeriesQuerySchema,
  type SeriesResponse,
  SeriesResponseSchema,
} from '../schemas/series.ts';
import { checkRange, parseTimeParam } from '../time-range.ts';

/** Options of {@link seriesRoutes}. */
export interface SeriesRoutesOptions {
  readonly history: History;
  /**
   * The device registry: a device it does not know is a 404 `EDDY_DEVICE_NOT_FOUND` before
   * InfluxDB is asked. Without it, any id that matches the pattern is looked up.
   */
  readonly devices?: Pick<DeviceRegistry, 'get'>;
  /** `to` when the request gives none. Default the system clock. */
  readonly clock?: Clock;
}

/** A request's checked range and bucket. */
interface SeriesWindow {
  readonly from: number;
  readonly to: number;
  readonly everyMs: number;
}

/**
 * `GET /api/devices/:id/series?metric=&from=&to=&every=&window=`: one metric of one device from
 * InfluxDB over `[from, to)` — the band of its window aggregates per `every` bucket (lowest min,
 * mean of means, highest max, summed count), its predictions per bucket and model, and its
 * anomalies (the newest {@link MAX_SERIES_ANOMALIES}, oldest first). `to` defaults to now, `from`
 * to an hour before `to`, `every` to about {@link DEFAULT_SERIES_POINTS} buckets. Ids are checked
 * against their patterns, times are ISO 8601 or epoch ms, `from < to`, the range at most 400 days,
 * `every` at least 1 s and at most {@link MAX_SERIES_POINTS} buckets: anything else is a 400. With
 * `devices`, a device the registry does not know is a 404 `EDDY_DEVICE_NOT_FOUND`. Every
 * value reaches InfluxDB as a bound parameter; the bucket is a number of ms this code formats.
 *
 * @example
 * // GET /api/devices/boiler-1/series?metric=temperature&from=2024-05-01T12:00:00Z&to=2024-05-01T13:00:00Z&every=1m
 * // → {"device":"boiler-1","metric":"temperature","every":"60000ms","band":[{"ts":...,"min":20.1,...}],
 * //    "forecast":[...],"anomalies":[...]}
 */
export const seriesRoutes: FastifyPluginAsyncTypebox<SeriesRoutesOptions> = async (app, options) => {
  const clock = options.clock ?? systemClock;
  app.get(
    '/api/devices/:id/series',
    {
      schema: {
        params: SeriesParamsSchema,
        querystring: SeriesQuerySchema,
        response: { 200: SeriesResponseSchema },
      },
    },
    async (request): Promise<SeriesResponse> => {
      const device = request.params.id;
      if (options.devices && options.devices.get(device) === undefined)
        throw ApiErrors.deviceNotFound(device);
      const { metric } = request.query;
      const window = seriesWindow(request.query, clock.now());
      const params: QueryParams = {
        device,
        metric,
        from: influxTime(window.from),
        to: influxTime(window.to),
        ...(request.query.window === undefined ? {} : { window: request.query.window }),
      };
      const [band, forecast, anomalies] = await Promise.all([
        readHistory(options.history, bandQuery(window.everyMs, request.query.window !== undefined), params),
        readHistory(options.history, forecastQuery(window.everyMs), params),
        readHistory(options.history, anomaliesQuery(), params),
      ]);
      return {
        device,
        metric,
        from: window.from,
        to: window.to,
        every: `${window.everyMs}ms`,
        band: band.map((row) => ({
          ts: row.time,
          min: numberOrNull(row.min),
          mean: numberOrNull(row.mean),
          max: numberOrNull(row.max),
          count: numberOrNull(row.count),
        })),
        forecast: forecast
          .sort((a, b) => a.time - b.time || String(a.model).localeCompare(String(b.model)))
          .map((row) => ({
            ts: row.time,
            model: String(row.model ?? ''),
            value: numberOrNull(row.value),
            expected: numberOrNull(row.expected),
            lower: numberOrNull(row.lower),
            upper: numberOrNull(row.upper),
          })),
        anomalies: anomalies.reverse().map((row) => ({
          ts: row.time,
          detector: String(row.detector ?? ''),
          score: numberOrNull(row.score),
          value: numberOrNull(row.value),
          expected: numberOrNull(row.expected),
          lower: numberOrNull(row.lower),
          upper: numberOrNull(row.upper),
          reason: typeof row.reason === 'string' ? row.reason : '',
          acknowledged: row.acknowledged === true,
        })),
      };
    },
  );
};

/**
 * The range and bucket of a request, checked: `from < to`, range ≤ 400 days, `every` ≥ 1 s and
 * at most {@link MAX_SERIES_POINTS} buckets.
 *
 * @example
 * seriesWindow({ metric: 'temperature', from: '0', to: '3600000', every: '1m' }, 0);
 * // { from: 0, to: 3600000, everyMs: 60000 }
 */
export function seriesWindow(query: SeriesQuery, now: number): SeriesWindow {
  const to = query.to === undefined ? now : parseTimeParam(query.to, 'to');
  const from = query.from === undefined ? to - DEFAULT_SERIES_RANGE_MS : parseTimeParam(query.from, 'from');
  checkRange(from, to);
  const range = to - from;
  if (range > MAX_SERIES_RANGE_MS) {
    throw ApiErrors.invalidRequest(
      `the range from "from" to "to" spans ${Math.ceil(range / 86_400_000)} days; at most ${MAX_SERIES_RANGE_MS / 86_400_000} days per request`,
    );
  }
  const everyMs =
    query.every === undefined
      ? Math.max(MIN_EVERY_MS, Math.ceil(range / DEFAULT_SERIES_POINTS / 1_000) * 1_000)
      : durationMs(query.every);
  if (everyMs < MIN_EVERY_MS) {
    throw ApiErrors.invalidRequest(
      `query parameter "every" (${query.every}) is finer than the finest bucket, ${MIN_EVERY_MS / 1000}s`,
    );
  }
  if (range / everyMs > MAX_SERIES_POINTS) {
    throw ApiErrors.invalidRequest(
      `query parameter "every" (${query.every}) makes ${Math.ceil(range / everyMs)} buckets; at most ${MAX_SERIES_POINTS}: choose a larger "every" or a shorter range`,
    );
  }
  return { from, to, everyMs };
}

const RANGE = 'time >= $from AND time < $to';
const SERIES = '"device" = $device AND "metric" = $metric';

function bandQuery(everyMs: number, byWindow: boolean): string {
  const f = WINDOW_AGG.fields;
  return (
    `SELECT min("${f.min}") AS "min", mean("${f.mean}") AS "mean", max("${f.max}") AS "max", sum("${f.count}") AS "count" ` +
    `FROM "${WINDOW_AGG.measurement}" WHERE ${SERIES}${byWindow ? ' AND "window" = $window' : ''} AND ${RANGE} ` +
    `GROUP BY time(${Math.trunc(everyMs)}ms) fill(none)`
  );
}

function forecastQuery(everyMs: number): string {
  const f = PREDICTIONS.fields;
  return (
    `SELECT mean("${f.value}") AS "value", mean("${f.expected}") AS "expected", min("${f.lower}") AS "lower", max("${f.upper}") AS "upper" ` +
    `FROM "${PREDICTIONS.measurement}" WHERE ${SERIES} AND ${RANGE} ` +
    `GROUP BY time(${Math.trunc(everyMs)}ms), "${PREDICTIONS.tags.model}" fill(none)`
  );
}

function anomaliesQuery(): string {
  return `SELECT * FROM "${ANOMALIES.measurement}" WHERE ${SERIES} AND ${RANGE} ORDER BY time DESC LIMIT ${MAX_SERIES_ANOMALIES}`;
}
