import { FieldType, type InfluxDB, type IPoint } from 'influx';
import { ANOMALIES, WRITE_PRECISION } from '../connectors/influx/influx-schema.ts';
import { ApiErrors } from './errors.ts';

/** One result row: columns (and the tags of a GROUP BY) by name, `time` in epoch ms. */
export type HistoryRow = Readonly<Record<string, unknown>> & { readonly time: number };

/** Values bound to the `$name` parameters of a query: InfluxDB substitutes them, never the text. */
export type QueryParams = Readonly<Record<string, string | number>>;

/**
 * What `/api/devices/:id/series` and `/api/anomalies` need of InfluxDB. Queries take bound
 * parameters (`WHERE "device" = $device`), so no request text is ever spliced into InfluxQL.
 */
export interface History {
  /** Runs one InfluxQL `SELECT` with `params` bound. */
  query(influxQL: string, params: QueryParams): Promise<HistoryRow[]>;
  /** Writes points stamped in epoch ms (an acknowledgement merges its fields into the anomaly's point). */
  write(points: readonly IPoint[]): Promise<void>;
}

/** Fields an acknowledgement adds to an anomaly's point (InfluxDB merges them into the point). */
export const ANOMALY_ACK_FIELDS = {
  acknowledged: 'acknowledged',
  acknowledgedAt: 'acknowledged_at',
} as const;

/**
 * {@link History} over an `influx` client (e.g. `createInfluxClient(url)`): bound parameters go as
 * InfluxDB's `params`, times come back as epoch ms. The client's `anomalies` schema is widened by
 * the acknowledgement fields (`acknowledged` boolean, `acknowledged_at` integer epoch ms), since the
 * client refuses fields its schema does not name.
 *
 * @example
 * const history = influxHistory(createInfluxClient(parseInfluxUrl('http://127.0.0.1:8086/eddy')), 'eddy');
 * await history.query('SELECT * FROM "anomalies" WHERE "device" = $device', { device: 'boiler-1' });
 */
export function influxHistory(client: InfluxDB, database: string): History {
  client.addSchema({
    database,
    measurement: ANOMALIES.measurement,
    tags: Object.values(ANOMALIES.tags),
    fields: {
      ...Object.fromEntries(Object.entries(ANOMALIES.fieldTypes).map(([key, type]) => [key, type])),
      [ANOMALY_ACK_FIELDS.acknowledged]: FieldType.BOOLEAN,
      [ANOMALY_ACK_FIELDS.acknowledgedAt]: FieldType.INTEGER,
    },
  });
  return {
    async query(influxQL, params) {
      const rows = await client.query<Record<string, unknown>>(influxQL, {
        database,
        placeholders: { ...params },
      });
      return rows.map((row) => ({ ...row, time: (row.time as Date).getTime() }));
    },
    async write(points) {
      await client.writePoints([...points], { database, precision: WRITE_PRECISION });
    },
  };
}

/**
 * An epoch-ms time as the RFC 3339 string InfluxQL compares `time` with (bound as a parameter;
 * a number would be read as nanoseconds).
 *
 * @example
 * influxTime(1_700_000_000_000); // '2023-11-14T22:13:20.000Z'
 */
export function influxTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** A finite number from a row's column, else `null` (a field the point does not have). */
export function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Runs a query; a failing InfluxDB becomes 503 `EDDY_HISTORY_UNAVAILABLE` with its message.
 *
 * @example
 * const rows = await readHistory(history, 'SELECT * FROM "anomalies" WHERE "device" = $device', { device });
 */
export async function readHistory(
  history: History,
  influxQL: string,
  params: QueryParams,
): Promise<HistoryRow[]> {
  try {
    return await history.query(influxQL, params);
  } catch (error) {
    throw ApiErrors.historyUnavailable((error as Error).message.slice(0, 200), error);
  }
}
