/**
 * Whether an InfluxDB 1.x server answers `GET /ping` at `url` with 204 within `timeoutMs`.
 * Never rejects for a server that is down, slow or not InfluxDB (that is `false`); throws a
 * `TypeError` for a URL that is not `http(s)://…`, since that is a configuration mistake.
 * Credentials in the URL are dropped: `/ping` needs none.
 *
 * @example
 * if (!(await isInfluxAlive('http://127.0.0.1:8086', 1_000))) {
 *   // start a local influxd (see startInfluxd) or tell the user how to reach one
 * }
 */
export async function isInfluxAlive(url: string, timeoutMs = 1_000): Promise<boolean> {
  const pingUrl = influxPingUrl(url);
  try {
    const response = await fetch(pingUrl, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.body?.cancel();
    return response.status === 204;
  } catch {
    return false;
  }
}

/**
 * `http://user:pw@host:8086/prefix` → `http://host:8086/prefix/ping`.
 *
 * @example
 * influxPingUrl('http://127.0.0.1:8086'); // 'http://127.0.0.1:8086/ping'
 */
export function influxPingUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`invalid InfluxDB URL "${url}": expected e.g. http://127.0.0.1:8086`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`invalid InfluxDB URL "${url}": the scheme must be http or https`);
  }
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  parsed.pathname += 'ping';
  return parsed.toString();
}
