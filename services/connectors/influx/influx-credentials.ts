import { readFile } from 'node:fs/promises';
import type { InfluxUrl } from './influx-url.ts';

/** InfluxDB credentials given apart from the URL (flags and environment). */
export interface InfluxCredentialOptions {
  /** `--influx-username` / `EDDY_INFLUX_USERNAME`. */
  readonly influxUsername?: string;
  /** `EDDY_INFLUX_PASSWORD` (or `--influx-password`, visible to other users in `ps`: prefer the variable). */
  readonly influxPassword?: string;
  /** `--influx-password-file` / `EDDY_INFLUX_PASSWORD_FILE`: the password is the file's first line. */
  readonly influxPasswordFile?: string;
}

/** The credentials cannot be used as given; the message names the flag (never the password). */
export class InfluxCredentialsError extends Error {
  override readonly name = 'InfluxCredentialsError';
  readonly code = 'EDDY_INFLUX_CREDENTIALS';
}

/** User and password from the flags and environment, the password file read. */
export interface InfluxCredentials {
  readonly username?: string;
  readonly password?: string;
}

/**
 * Reads the credentials of the flags: the password from `influxPassword`, else the first line of
 * `influxPasswordFile`. Both a password and a password file are refused.
 *
 * @example
 * await readInfluxCredentials({ influxUsername: 'eddy', influxPasswordFile: '/run/secrets/influx' });
 * // { username: 'eddy', password: '<first line of the file>' }
 */
export async function readInfluxCredentials(options: InfluxCredentialOptions): Promise<InfluxCredentials> {
  const { influxUsername, influxPassword, influxPasswordFile } = options;
  if (influxPassword !== undefined && influxPasswordFile !== undefined) {
    throw new InfluxCredentialsError(
      'both EDDY_INFLUX_PASSWORD (--influx-password) and --influx-password-file are set: keep one',
    );
  }
  const password =
    influxPasswordFile !== undefined ? await readPasswordFile(influxPasswordFile) : influxPassword;
  const username = influxUsername === undefined || influxUsername === '' ? undefined : influxUsername;
  return { ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

/**
 * `url` with `credentials`, which win over the user and password written in the URL (the URL's
 * password is kept when the flags name the same user, or none, and give no password). A password
 * without any user name is refused.
 *
 * @example
 * withInfluxCredentials(parseInfluxUrl('http://db:8086/eddy'), { username: 'eddy', password: 's3cret' });
 * // { protocol: 'http', host: 'db', port: 8086, database: 'eddy', username: 'eddy', password: 's3cret' }
 */
export function withInfluxCredentials(url: InfluxUrl, credentials: InfluxCredentials): InfluxUrl {
  const username = credentials.username ?? url.username;
  if (credentials.password !== undefined && username === undefined) {
    throw new InfluxCredentialsError(
      'an InfluxDB password is given but no user name: add --influx-username (EDDY_INFLUX_USERNAME)',
    );
  }
  if (username === undefined) return url;
  const password = credentials.password ?? (username === url.username ? url.password : undefined);
  const { password: _fromUrl, ...rest } = url;
  return { ...rest, username, ...(password !== undefined ? { password } : {}) };
}

/** The first line of a password file, without its line break. */
async function readPasswordFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new InfluxCredentialsError(`cannot read --influx-password-file ${path}: ${why}`, { cause: error });
  }
  const password = text.split(/\r?\n/, 1)[0] ?? '';
  if (password === '') throw new InfluxCredentialsError(`--influx-password-file ${path} is empty`);
  return password;
}
