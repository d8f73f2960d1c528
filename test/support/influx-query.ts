import { randomBytes } from 'node:crypto';

/** One result row: the series' tags (with GROUP BY) and its columns; `time` in ms since the epoch. */
export type InfluxRow = Record<string, unknown> & { time?: number };

interface QueryResponse {
  results?: Array<{
    error?: string;
    series?: Array<{
      name?: string;
      tags?: Record<string, string>;
      columns: string[];
      values?: unknown[][];
    }>;
  }>;
  error?: string;
}

/**
 * Runs one InfluxQL query on `database` over plain HTTP (`GET /query`, `epoch=ms`) and returns the
 * rows of every series, tags merged in, `time` as a number of ms. Throws with InfluxDB's own
 * message when the query fails.
 *
 * @example
 * const rows = await queryInflux(inject('influxUrl'), db, 'SELECT * FROM window_agg');
 * // [{ time: 1700000000000, device: 'd1', metric: 'temp', mean: 21.5, … }]
 */
export async function queryInflux(
  influxUrl: string,
  database: string,
  influxQL: string,
): Promise<InfluxRow[]> {
  const body = await influxRequest(influxUrl, 'GET', { db: database, q: influxQL, epoch: 'ms' });
  const rows: InfluxRow[] = [];
  for (const result of body.results ?? []) {
    if (result.error) throw new Error(`InfluxDB query failed: ${result.error} (query: ${influxQL})`);
    for (const series of result.series ?? []) {
      for (const values of series.values ?? []) {
        const row: InfluxRow = { ...series.tags };
        series.columns.forEach((column, i) => {
          row[column] = values[i];
        });
        rows.push(row);
      }
    }
  }
  return rows;
}

/** Runs a statement that changes something (`CREATE DATABASE`, `DROP …`) with `POST /query`. */
export async function influxCommand(influxUrl: string, statement: string): Promise<void> {
  const body = await influxRequest(influxUrl, 'POST', { q: statement });
  for (const result of body.results ?? []) {
    if (result.error) throw new Error(`InfluxDB statement failed: ${result.error} (statement: ${statement})`);
  }
}

/** `CREATE DATABASE "<name>"` (a no-op if it exists). */
export function createDatabase(influxUrl: string, name: string): Promise<void> {
  return influxCommand(influxUrl, `CREATE DATABASE ${quoteIdentifier(name)}`);
}

/** `DROP DATABASE "<name>"` (a no-op if it does not exist). */
export function dropDatabase(influxUrl: string, name: string): Promise<void> {
  return influxCommand(influxUrl, `DROP DATABASE ${quoteIdentifier(name)}`);
}

/**
 * A database name no other test file uses against the shared influxd: `<prefix>_<random hex>`,
 * with characters other than letters, digits and `_` in the prefix turned into `_`.
 *
 * @example
 * uniqueDatabase('influx-sink'); // 'influx_sink_3f9a1c0d2b7e'
 */
export function uniqueDatabase(prefix: string): string {
  const clean = prefix.replace(/[^A-Za-z0-9_]/g, '_') || 'test';
  return `${clean}_${randomBytes(6).toString('hex')}`;
}

/** An InfluxQL identifier in double quotes, escaped. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

async function influxRequest(
  influxUrl: string,
  method: 'GET' | 'POST',
  params: Record<string, string>,
): Promise<QueryResponse> {
  const url = new URL('query', influxUrl.endsWith('/') ? influxUrl : `${influxUrl}/`);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await fetch(url, { method, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body: QueryResponse;
  try {
    body = JSON.parse(text) as QueryResponse;
  } catch {
    throw new Error(
      `InfluxDB at ${influxUrl} answered ${response.status} with non-JSON: ${text.slice(0, 200)}`,
    );
  }
  if (!response.ok || body.error) {
    throw new Error(
      `InfluxDB at ${influxUrl} answered ${response.status}: ${body.error ?? text.slice(0, 200)}`,
    );
  }
  return body;
}
