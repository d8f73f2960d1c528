/**
 * Where Eddy writes: the `--influx` URL `http(s)://[user:password@]host[:port]/<database>`, parsed
 * and checked once at startup so that a typo fails with a clear message instead of a stream of
 * write errors.
 */
export interface InfluxUrl {
  readonly protocol: 'http' | 'https';
  /** Host name or IP address; an IPv6 address keeps its brackets (`[::1]`). */
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username?: string;
  readonly password?: string;
}

/** InfluxDB 1.x's HTTP port, used when the URL names none. */
export const DEFAULT_INFLUX_PORT = 8086;

/** The database used when the URL has no path, as in `http://127.0.0.1:8086`. */
export const DEFAULT_INFLUX_DATABASE = 'eddy';

/**
 * Database names Eddy accepts: letters, digits, `_`, `-` and `.`, starting with a letter, digit or
 * `_`, at most 64 characters. InfluxDB allows more, but such names need quoting everywhere.
 */
export const DATABASE_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** A `--influx` URL that cannot be used; the message says what is wrong and shows a valid example. */
export class InfluxUrlError extends Error {
  override readonly name = 'InfluxUrlError';
  readonly code = 'EDDY_INFLUX_URL';
}

const EXAMPLE = 'http://127.0.0.1:8086/eddy (or http://user:password@host:8086/eddy)';

/**
 * Parses and validates an InfluxDB URL. An empty path means database {@link DEFAULT_INFLUX_DATABASE},
 * a missing port means {@link DEFAULT_INFLUX_PORT}; user and password are percent-decoded.
 *
 * @example
 * parseInfluxUrl('http://127.0.0.1:8086/plant');
 * // { protocol: 'http', host: '127.0.0.1', port: 8086, database: 'plant' }
 * parseInfluxUrl('https://eddy:s%3Acret@influx.example.com');
 * // { protocol: 'https', host: 'influx.example.com', port: 8086, database: 'eddy',
 * //   username: 'eddy', password: 's:cret' }
 * parseInfluxUrl('influx:8086'); // throws InfluxUrlError: ... must start with http:// or https:// ...
 */
export function parseInfluxUrl(text: string): InfluxUrl {
  const input = text.trim();
  const fail = (problem: string): never => {
    throw new InfluxUrlError(
      `Invalid InfluxDB URL "${redactRaw(input)}": ${problem}. Expected e.g. ${EXAMPLE}.`,
    );
  };
  if (input === '') fail('it is empty');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(input)?.[1]?.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    fail(
      scheme
        ? `the scheme "${scheme}" is not supported, use http or https`
        : 'it must start with http:// or https://',
    );
  }
  const explicitPort = checkPort(input, fail);

  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return fail('it is not a well-formed URL');
  }
  if (url.hostname === '') fail('the host is missing');
  if (url.search !== '' || url.hash !== '') fail('query parameters and fragments are not supported');

  const protocol = scheme as 'http' | 'https';
  const port = url.port !== '' ? Number(url.port) : (explicitPort ?? DEFAULT_INFLUX_PORT);
  const database = parseDatabase(url.pathname, fail);
  const username = decode(url.username, 'user name', fail);
  const password = decode(url.password, 'password', fail);
  if (password !== undefined && username === undefined) fail('a password is given without a user name');

  return {
    protocol,
    host: url.hostname,
    port,
    database,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

/**
 * The URL for logs and error messages: the password, if any, becomes `***`.
 *
 * @example
 * formatInfluxUrl(parseInfluxUrl('http://eddy:secret@db:8086/plant')); // 'http://eddy:***@db:8086/plant'
 */
export function formatInfluxUrl(url: InfluxUrl): string {
  const user = url.username !== undefined ? encodeURIComponent(url.username) : undefined;
  const credentials = user === undefined ? '' : url.password !== undefined ? `${user}:***@` : `${user}@`;
  return `${url.protocol}://${credentials}${url.host}:${url.port}/${url.database}`;
}

/** The explicit port in the authority, or undefined; fails on a port that is not a number in range. */
function checkPort(input: string, fail: (problem: string) => never): number | undefined {
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(input)?.[1] ?? '';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const afterHost = hostPort.startsWith('[') ? hostPort.slice(hostPort.indexOf(']') + 1) : hostPort;
  const colon = afterHost.indexOf(':');
  if (colon < 0) return undefined;
  const port = afterHost.slice(colon + 1);
  if (!/^\d{1,5}$/.test(port)) fail(`the port "${port}" is not a number`);
  const value = Number(port);
  if (value < 1 || value > 65_535) fail(`the port ${value} is out of range (1-65535)`);
  return value;
}

function parseDatabase(pathname: string, fail: (problem: string) => never): string {
  const path = pathname.replace(/^\/+/, '').replace(/\/$/, '');
  if (path === '') return DEFAULT_INFLUX_DATABASE;
  if (path.includes('/')) fail(`the path "/${path}" must be a single database name, e.g. /eddy`);
  let name: string;
  try {
    name = decodeURIComponent(path);
  } catch {
    return fail(`the database name "${path}" has an invalid %-escape`);
  }
  if (!DATABASE_NAME_PATTERN.test(name)) {
    fail(
      `the database name "${name}" is not allowed: use up to 64 letters, digits, "_", "-" or ".", ` +
        'starting with a letter, digit or "_"',
    );
  }
  return name;
}

function decode(value: string, what: string, fail: (problem: string) => never): string | undefined {
  if (value === '') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return fail(`the ${what} has an invalid %-escape`);
  }
}

/** Hides whatever sits between `user:` and `@` in a URL that may not even parse. */
function redactRaw(input: string): string {
  return input.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:/@]*:)[^/@]*@/, '$1***@');
}
