import type { IPoint } from 'influx';
import type { History, HistoryRow, QueryParams } from '../../../services/api/history.ts';

/** One query the fake saw. */
export interface SeenQuery {
  readonly influxQL: string;
  readonly params: QueryParams;
}

/**
 * A {@link History} that answers each query with the rows of the first measurement its text names
 * (`FROM "window_agg"` → `rows.window_agg`), and records queries and writes.
 *
 * @example
 * const history = fakeHistory({ anomalies: [{ time: 1, device: 'd1', ... }] });
 */
export function fakeHistory(rows: Readonly<Record<string, readonly HistoryRow[]>> = {}) {
  const queries: SeenQuery[] = [];
  const writes: IPoint[] = [];
  let failure: Error | undefined;
  const history: History = {
    async query(influxQL, params) {
      queries.push({ influxQL, params });
      if (failure) throw failure;
      const measurement = /FROM "([a-z_]+)"/.exec(influxQL)?.[1] ?? '';
      return [...(rows[measurement] ?? [])];
    },
    async write(points) {
      if (failure) throw failure;
      writes.push(...points);
    },
  };
  return {
    history,
    queries,
    writes,
    fail(error: Error) {
      failure = error;
    },
  };
}
