import { type History, influxHistory } from '../api/history.ts';
import { createInfluxClient } from '../connectors/influx/create-influx-client.ts';
import type { InfluxTarget } from './influx-target.ts';

/**
 * The API's view of the history: a client of its own on the job's InfluxDB (queries for series and
 * anomalies, acknowledgements), or undefined when Eddy runs without InfluxDB (no such routes then).
 *
 * @example
 * const history = apiHistory(await resolveInfluxTarget(options, logger));
 * const app = await buildApp({ ...deps, ...(history ? { history } : {}) });
 */
export function apiHistory(influx: InfluxTarget): History | undefined {
  if (influx.mode === 'disabled') return undefined;
  return influxHistory(createInfluxClient(influx.url, { requestTimeoutMs: 10_000 }), influx.url.database);
}
