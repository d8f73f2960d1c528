import { InfluxDB, type IPoolOptions } from 'influx';
import { eddyInfluxSchemas } from './influx-schema.ts';
import type { InfluxUrl } from './influx-url.ts';

/** Options of {@link createInfluxClient}. */
export interface InfluxClientOptions {
  /** An HTTP request without an answer after this long fails (and the sink retries it). Default 30 s. */
  readonly requestTimeoutMs?: number;
}

/**
 * Never takes the host out of the client's pool. The `influx` client would otherwise disable a
 * host that refused a connection for up to 10 s on its own (unref-less) timer and answer "No host
 * available" meanwhile; retrying is the sink's job, on its injected clock.
 */
const NEVER_DISABLE: NonNullable<IPoolOptions['backoff']> = {
  getDelay: () => 0,
  next: () => NEVER_DISABLE,
  reset: () => NEVER_DISABLE,
};

/**
 * An `influx` (node-influx 5) client for a parsed `--influx` URL: default database from the URL,
 * basic auth when the URL has a user, Eddy's schema registered (so `count` is written as an
 * integer), and no retries of its own (each call makes one HTTP request; callers retry).
 *
 * @example
 * const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:8086/eddy'));
 * await client.writePoints([windowAggregateToPoint(agg)], { precision: 'ms' });
 */
export function createInfluxClient(url: InfluxUrl, options: InfluxClientOptions = {}): InfluxDB {
  return new InfluxDB({
    protocol: url.protocol,
    host: url.host,
    port: url.port,
    database: url.database,
    ...(url.username !== undefined ? { username: url.username, password: url.password ?? '' } : {}),
    schema: eddyInfluxSchemas(url.database),
    pool: { maxRetries: 0, backoff: NEVER_DISABLE, requestTimeout: options.requestTimeoutMs ?? 30_000 },
  });
}
