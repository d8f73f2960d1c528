import { isAbsolute, join } from 'node:path';

/** Where a local influxd keeps its files and listens. */
export interface InfluxdConfigOptions {
  /** Absolute folder; `meta/`, `data/` and `wal/` go inside. */
  readonly dataDir: string;
  /** Address both listeners bind to, e.g. `127.0.0.1`. */
  readonly host: string;
  /** HTTP API port (InfluxDB's default is 8086). */
  readonly httpPort: number;
  /** RPC port for backup and restore (InfluxDB's default is 8088, often taken: always pass one). */
  readonly bindPort: number;
  /**
   * `[http] auth-enabled` (default false). With it, InfluxDB lets anyone create the first admin user
   * (`CREATE USER admin WITH PASSWORD '…' WITH ALL PRIVILEGES` over HTTP) and asks for credentials
   * from then on.
   */
  readonly authEnabled?: boolean;
}

/**
 * The `influxdb.conf` (TOML) for a local, single-user InfluxDB 1.x: files under `dataDir`, HTTP and
 * RPC on `host`, no auth (unless `authEnabled`), no usage reporting, no `_internal` statistics, and only warnings logged.
 *
 * Checked against Debian's influxdb 1.6.7 (`influxd config`): Debian renamed upstream's
 * `reporting-disabled = true` to `reporting-enabled = false`. Both keys are written; influxd 1.x
 * ignores keys it does not know, so the file suits Debian's and upstream's builds alike.
 *
 * @example
 * renderInfluxdConfig({ dataDir: '/srv/eddy/influxdb', host: '127.0.0.1', httpPort: 8086, bindPort: 8088 });
 * // '…[http]\n  bind-address = "127.0.0.1:8086"…'
 */
export function renderInfluxdConfig(options: InfluxdConfigOptions): string {
  validateInfluxdConfig(options);
  const { dataDir, host, httpPort, bindPort } = options;
  return [
    '# Written by Eddy each time it starts this influxd: edit the generator, not this file.',
    'reporting-enabled = false',
    'reporting-disabled = true',
    `bind-address = ${tomlString(hostPort(host, bindPort))}`,
    '',
    '[meta]',
    `  dir = ${tomlString(join(dataDir, 'meta'))}`,
    '  logging-enabled = false',
    '',
    '[data]',
    `  dir = ${tomlString(join(dataDir, 'data'))}`,
    `  wal-dir = ${tomlString(join(dataDir, 'wal'))}`,
    '  query-log-enabled = false',
    '',
    '[monitor]',
    '  store-enabled = false',
    '',
    '[http]',
    '  enabled = true',
    `  bind-address = ${tomlString(hostPort(host, httpPort))}`,
    `  auth-enabled = ${options.authEnabled === true}`,
    '  log-enabled = false',
    '',
    '[continuous_queries]',
    '  log-enabled = false',
    '',
    '[logging]',
    '  level = "warn"',
    '  suppress-logo = true',
    '',
  ].join('\n');
}

/** Throws a `RangeError` naming the bad field: ports must be distinct integers in 1..65535. */
export function validateInfluxdConfig(options: InfluxdConfigOptions): void {
  validatePort('httpPort', options.httpPort);
  validatePort('bindPort', options.bindPort);
  if (options.httpPort === options.bindPort) {
    throw new RangeError(`influxd httpPort and bindPort must differ (both are ${options.httpPort})`);
  }
  if (!isAbsolute(options.dataDir)) {
    throw new RangeError(`influxd dataDir must be an absolute path, got "${options.dataDir}"`);
  }
  if (options.host.trim() === '' || /[\s"\\/]/.test(options.host)) {
    throw new RangeError(`influxd host must be an address such as 127.0.0.1, got "${options.host}"`);
  }
}

function validatePort(field: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError(`influxd ${field} must be an integer in 1..65535, got ${port}`);
  }
}

/** `127.0.0.1:8086`, `[::1]:8086`. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A TOML basic string: JSON's escapes (`\"`, `\\`, `\n`, `\uXXXX`) are all valid TOML. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}
