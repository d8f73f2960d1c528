import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ANOMALIES } from '../../connectors/influx/influx-schema.ts';
import { type Clock, systemClock } from '../../engine/time/clock.ts';
import { ApiErrors } from '../errors.ts';
import {
  ANOMALY_ACK_FIELDS,
  type History,
  type HistoryRow,
  influxTime,
  numberOrNull,
  readHistory,
} from '../history.ts';
import {
  AcknowledgeRequestSchema,
  type AnomaliesQuery,
  AnomaliesQuerySchema,
  AnomaliesResponseSchema,
  type AnomalyBody,
  AnomalySchema,
  DEFAULT_ANOMALIES_LIMIT,
  MAX_ANOMALIES_LIMIT,
} from '../schemas/anomalies.ts';
import { checkRange, parseTimeParam } from '../time-range.ts';

/** Pages of {@link MAX_ANOMALIES_LIMIT} read at most to find anomalies not acknowledged yet. */
export const MAX_UNACKNOWLEDGED_PAGES = 10;

/** Options of {@link anomaliesRoutes}. */
export interface AnomaliesRoutesOptions {
  readonly history: History;
  /** Stamps `acknowledgedAt`. Default the system clock. */
  readonly clock?: Clock;
}

/**
 * The anomalies the job's detectors wrote to InfluxDB (`anomalies`):
 *
 * - `GET /api/anomalies?device=&metric=&detector=&from=&to=&acknowledged=&limit=`: newest first,
 *   `limit` default 100, at most 1,000. `acknowledged=false` reads the newest 10,000 in the range.
 * - `POST /api/anomalies/ack` `{device, metric, detector, ts}` (bearer token): marks one
 *   acknowledged and answers it; acknowledging again keeps the first `acknowledgedAt`.
 *
 * The acknowledgement is stored on the anomaly's own point: the same measurement, tags and time
 * with the fields `acknowledged=true` and `acknowledged_at` (epoch ms), which InfluxDB merges into
 * the point. So it lives and expires with the anomaly, Grafana and InfluxQL see it, and a detector
 * replaying the anomaly after a restart rewrites its fields without losing the acknowledgement. An
 * unknown anomaly is 404 `EDDY_ANOMALY_NOT_FOUND` (nothing is written: no phantom points).
 *
 * @example
 * // POST /api/anomalies/ack {"device":"boiler-1","metric":"temperature","detector":"spikes","ts":1700000000000}
 * // → {"device":"boiler-1",...,"acknowledged":true,"acknowledgedAt":1700000123456}
 */
export const anomaliesRoutes: FastifyPluginAsyncTypebox<AnomaliesRoutesOptions> = async (app, options) => {
  const clock = options.clock ?? systemClock;
  const history = options.history;

  app.get(
    '/api/anomalies',
    { schema: { querystring: AnomaliesQuerySchema, response: { 200: AnomaliesResponseSchema } } },
    async (request) => {
      const { conditions, params } = anomalyFilter(request.query);
      const limit = request.query.limit ?? DEFAULT_ANOMALIES_LIMIT;
      if (request.query.acknowledged === 'true')
        conditions.push(`"${ANOMALY_ACK_FIELDS.acknowledged}" = true`);
      const rows =
        request.query.acknowledged === 'false'
          ? await unacknowledged(history, conditions, params, limit)
          : await readHistory(history, selectNewest(conditions, limit), params);
      return { anomalies: rows.map(toAnomalyBody) };
    },
  );

  app.post(
    '/api/anomalies/ack',
    { schema: { body: AcknowledgeRequestSchema, response: { 200: AnomalySchema } } },
    async (request) => {
      const { device, metric, detector, ts } = request.body;
      const params = { device, metric, detector, ts: influxTime(ts) };
      const found = await readHistory(
        history,
        `SELECT * FROM "${ANOMALIES.measurement}" WHERE "device" = $device AND "metric" = $metric AND "detector" = $detector AND time = $ts`,
        params,
      );
      const row = found[0];
      if (!row) {
        throw ApiErrors.anomalyNotFound(
          `of detector "${detector}" for ${device}/${metric} at ${influxTime(ts)} (${ts})`,
        );
      }
      if (row.acknowledged === true) return toAnomalyBody(row);
      const acknowledgedAt = Math.trunc(clock.now());
      try {
        await history.write([
          {
            measurement: ANOMALIES.measurement,
            tags: pointTagsOf(row, { device, metric, detector }),
            fields: {
              [ANOMALY_ACK_FIELDS.acknowledged]: true,
              [ANOMALY_ACK_FIELDS.acknowledgedAt]: acknowledgedAt,
            },
            timestamp: String(ts),
          },
        ]);
      } catch (error) {
        throw ApiErrors.historyUnavailable((error as Error).message.slice(0, 200), error);
      }
      return toAnomalyBody({
        ...row,
        acknowledged: true,
        [ANOMALY_ACK_FIELDS.acknowledgedAt]: acknowledgedAt,
      });
    },
  );
};

/** WHERE conditions and bound parameters of a listing (every value a `$parameter`). */
function anomalyFilter(query: AnomaliesQuery): { conditions: string[]; params: Record<string, string> } {
  const conditions: string[] = [];
  const params: Record<string, string> = {};
  for (const tag of ['device', 'metric', 'detector'] as const) {
    const value = query[tag];
    if (value === undefined) continue;
    conditions.push(`"${ANOMALIES.tags[tag]}" = $${tag}`);
    params[tag] = value;
  }
  const from = query.from === undefined ? undefined : parseTimeParam(query.from, 'from');
  const to = query.to === undefined ? undefined : parseTimeParam(query.to, 'to');
  if (from !== undefined && to !== undefined) checkRange(from, to);
  if (from !== undefined) {
    conditions.push('time >= $from');
    params.from = influxTime(from);
  }
  if (to !== undefined) {
    conditions.push('time < $to');
    params.to = influxTime(to);
  }
  return { conditions, params };
}

function selectNewest(conditions: readonly string[], limit: number): string {
  const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
  return `SELECT * FROM "${ANOMALIES.measurement}"${where} ORDER BY time DESC LIMIT ${Math.trunc(limit)}`;
}

/**
 * The newest anomalies without `acknowledged=true`. InfluxQL cannot match a field a point lacks,
 * so pages are read newest first (`time <= $before`, the rows already seen skipped) and filtered here.
 */
async function unacknowledged(
  history: History,
  conditions: readonly string[],
  params: Readonly<Record<string, string>>,
  limit: number,
): Promise<HistoryRow[]> {
  const result: HistoryRow[] = [];
  const seen = new Set<string>();
  let before: number | undefined;
  for (let page = 0; page < MAX_UNACKNOWLEDGED_PAGES && result.length < limit; page++) {
    const paged = before === undefined ? conditions : [...conditions, 'time <= $before'];
    const rows = await readHistory(history, selectNewest(paged, MAX_ANOMALIES_LIMIT), {
      ...params,
      ...(before === undefined ? {} : { before: influxTime(before) }),
    });
    let fresh = 0;
    for (const row of rows) {
      const key = `${row.time}|${String(row.device)}|${String(row.metric)}|${String(row.detector)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      fresh++;
      if (row.acknowledged !== true && result.length < limit) result.push(row);
    }
    if (rows.length < MAX_ANOMALIES_LIMIT || fresh === 0) break;
    before = rows[rows.length - 1]!.time;
  }
  return result;
}

function toAnomalyBody(row: HistoryRow): AnomalyBody {
  return {
    device: String(row.device ?? ''),
    metric: String(row.metric ?? ''),
    detector: String(row.detector ?? ''),
    ts: row.time,
    score: numberOrNull(row.score),
    value: numberOrNull(row.value),
    expected: numberOrNull(row.expected),
    lower: numberOrNull(row.lower),
    upper: numberOrNull(row.upper),
    reason: typeof row.reason === 'string' ? row.reason : '',
    acknowledged: row.acknowledged === true,
    acknowledgedAt: numberOrNull(row[ANOMALY_ACK_FIELDS.acknowledgedAt]),
  };
}

/** Columns of a `SELECT *` row of `anomalies` that are not tags. */
const NOT_TAGS = new Set<string>([
  'time',
  ...Object.values(ANOMALIES.fields),
  ...Object.values(ANOMALY_ACK_FIELDS),
]);

/**
 * The full tag set of the anomaly's point: its own tags and the device's registry tags it was
 * written with (a point is measurement + tag set + time, so the acknowledgement must repeat them
 * all to land on the anomaly's point instead of beside it).
 */
function pointTagsOf(
  row: Readonly<Record<string, unknown>>,
  own: Record<string, string>,
): Record<string, string> {
  const tags: Record<string, string> = { ...own };
  for (const [key, value] of Object.entries(row)) {
    if (!NOT_TAGS.has(key) && typeof value === 'string' && value !== '' && !(key in tags)) tags[key] = value;
  }
  return tags;
}
