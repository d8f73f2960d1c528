/**
 * What never reaches a log line: secrets by field name, and the credentials inside URLs. The
 * logger (`createLogger`) applies {@link LOG_REDACT_PATHS} with {@link censorLogValue}; code that
 * writes a URL into a message string calls {@link stripCredentials} itself.
 */

/** Fields whose whole value is a secret: replaced by `[redacted]` wherever they are logged. */
export const SECRET_FIELDS = [
  'password',
  'passphrase',
  'token',
  'apiToken',
  'authorization',
  'cookie',
  'passwordHash',
  'secret',
] as const;

/** Fields that hold a URL: logged with the password (and secret query parameters) masked. */
export const URL_FIELDS = ['url', 'where', 'endpoint', 'mqtt', 'dashboard', 'influx'] as const;

/** Query parameters that carry a secret (InfluxDB 1.x's `p`, OAuth's `access_token`, ...). */
const SECRET_QUERY_PARAMETERS = new Set(['password', 'p', 'token', 'access_token', 'apikey', 'api_key']);

/**
 * pino `redact.paths`: each field at the top level, one level down (`{ config: { password } }`),
 * and the request headers Fastify may log.
 */
export const LOG_REDACT_PATHS: readonly string[] = [
  ...[...SECRET_FIELDS, ...URL_FIELDS].flatMap((field) => [field, `*.${field}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

const URL_FIELD_NAMES: ReadonlySet<string> = new Set(URL_FIELDS);

/**
 * pino's `redact.censor`: a URL field keeps its value with the credentials masked, anything else
 * (a secret field) becomes `[redacted]`.
 *
 * @example
 * censorLogValue('mqtts://eddy:s3cret@broker:8883', ['where']); // 'mqtts://eddy:***@broker:8883'
 * censorLogValue('s3cret', ['config', 'password']);               // '[redacted]'
 */
export function censorLogValue(value: unknown, path: readonly string[]): unknown {
  const field = path[path.length - 1] ?? '';
  if (URL_FIELD_NAMES.has(field)) {
    return typeof value === 'string' ? stripCredentials(value) : value;
  }
  return '[redacted]';
}

/**
 * A URL without its secrets: the password becomes `***`, and so do secret query parameters
 * (`p`, `password`, `token`, `access_token`, `apikey`). A path (`/api/x?token=...`) is masked the
 * same way; text that is no URL is returned as is.
 *
 * @example
 * stripCredentials('http://user:secret@host:8086/db'); // 'http://user:***@host:8086/db'
 * stripCredentials('/query?u=eddy&p=secret');          // '/query?u=eddy&p=***'
 */
export function stripCredentials(url: string): string {
  const relative = url.startsWith('/');
  let parsed: URL;
  try {
    parsed = relative ? new URL(url, 'http://relative.invalid') : new URL(url);
  } catch {
    return maskUserInfo(url);
  }
  let changed = false;
  if (parsed.password) {
    parsed.password = '***';
    changed = true;
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY_PARAMETERS.has(name.toLowerCase())) {
      parsed.searchParams.set(name, '***');
      changed = true;
    }
  }
  if (!changed) return url;
  const text = parsed.toString().replaceAll('%2A%2A%2A', '***');
  return relative ? text.slice('http://relative.invalid'.length) : text;
}

/** `scheme://user:secret@` in text that does not parse as a URL. */
function maskUserInfo(text: string): string {
  return text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:/@\s]*:)[^/@\s]*@/g, '$1***@');
}

/**
 * Masks URL credentials anywhere in free text (an error message, a log message).
 *
 * @example
 * redactUrlsInText('cannot reach mqtt://dev:pw@broker:1883 (ECONNREFUSED)');
 * // 'cannot reach mqtt://dev:***@broker:1883 (ECONNREFUSED)'
 */
export function redactUrlsInText(text: string): string {
  return maskUserInfo(text);
}
