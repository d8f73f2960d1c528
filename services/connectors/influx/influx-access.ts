import { formatInfluxUrl, type InfluxUrl } from './influx-url.ts';

/** InfluxDB refused the credentials (HTTP 401); the message says which flags set them. */
export class InfluxAuthError extends Error {
  override readonly name = 'InfluxAuthError';
  readonly code = 'EDDY_INFLUX_AUTH';
}

/**
 * Asks InfluxDB `SHOW DATABASES` with the URL's credentials (HTTP basic auth, as the `influx`
 * client sends them) and throws an {@link InfluxAuthError} when it answers 401: with auth enabled
 * and no user given, or with a wrong user or password. Any other outcome (unreachable, slow, 5xx)
 * resolves: the sink retries those and reports them in `/api/health`. The password is never in
 * the message.
 *
 * @example
 * await checkInfluxAccess(parseInfluxUrl('http://127.0.0.1:8086/eddy'));
 * // InfluxAuthError: InfluxDB at http://127.0.0.1:8086/eddy needs a user name and password ...
 */
export async function checkInfluxAccess(url: InfluxUrl, timeoutMs = 5_000): Promise<void> {
  const query = `${url.protocol}://${url.host}:${url.port}/query?q=${encodeURIComponent('SHOW DATABASES')}`;
  const headers: Record<string, string> = {};
  if (url.username !== undefined) {
    const basic = Buffer.from(`${url.username}:${url.password ?? ''}`, 'utf8').toString('base64');
    headers.authorization = `Basic ${basic}`;
  }
  let response: Response;
  try {
    response = await fetch(query, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  } catch {
    return; // not reachable (yet): the sink waits for it
  }
  const body = await response.text().catch(() => '');
  if (response.status !== 401) return;
  const reason = influxError(body) ?? 'unauthorized';
  const where = formatInfluxUrl(url);
  if (url.username === undefined) {
    throw new InfluxAuthError(
      `InfluxDB at ${where} needs a user name and password (HTTP 401: ${reason}): pass --influx-username ` +
        'with EDDY_INFLUX_PASSWORD or --influx-password-file, or write them in the URL (http://user:password@host:8086/db)',
    );
  }
  throw new InfluxAuthError(
    `InfluxDB at ${where} refused user "${url.username}" (HTTP 401: ${reason}): check the user name and password ` +
      '(--influx-username, EDDY_INFLUX_PASSWORD or --influx-password-file, or the --influx URL)',
  );
}

function influxError(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const error = (parsed as { error?: unknown } | null)?.error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}
