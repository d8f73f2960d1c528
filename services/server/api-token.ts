import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The token file's name inside the data directory. */
export const API_TOKEN_FILE = 'api-token';

/** The environment variable that sets the token (it wins over the file). */
export const API_TOKEN_ENV = 'EDDY_API_TOKEN';

/** Shortest token accepted from the environment or the file. */
export const MIN_API_TOKEN_LENGTH = 16;

/** RFC 6750 token68: what fits after `Bearer ` without quoting. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Where the token came from. */
export type ApiTokenSource = 'env' | 'file' | 'generated';

/** The API token and its origin. */
export interface ApiToken {
  readonly token: string;
  readonly source: ApiTokenSource;
  /** The token file (read or written), absent when the token came from the environment. */
  readonly path?: string;
}

/** Inputs of {@link loadApiToken}; the defaults are the process's. */
export interface LoadApiTokenOptions {
  /** Eddy's data directory (`--data-dir`, default `.eddy`). */
  readonly dataDir: string;
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where a generated token is announced, once (e.g. the log). Default `process.stdout`. */
  readonly announce?: (line: string) => void;
  /** Default `crypto.randomBytes`. */
  readonly randomBytes?: (size: number) => Buffer;
}

/**
 * The API token: `EDDY_API_TOKEN` when set; otherwise the one saved in `<dataDir>/api-token`;
 * otherwise a new one (32 random bytes, base64url) written there with mode 0600 and announced once
 * ("API token: ... (saved in .eddy/api-token)"). It is never logged; a file readable by others is
 * made private again. A token that is too short or not token68 is refused with the reason.
 *
 * @example
 * const { token, source } = await loadApiToken({ dataDir: '.eddy' });
 * // first start: prints "API token: q3V...(saved in .eddy/api-token)", source 'generated'
 */
export async function loadApiToken(options: LoadApiTokenOptions): Promise<ApiToken> {
  const env = options.env ?? process.env;
  const fromEnv = env[API_TOKEN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    checkToken(fromEnv, API_TOKEN_ENV);
    return { token: fromEnv, source: 'env' };
  }
  const path = apiTokenPath(options.dataDir);
  const saved = await readTokenFile(path);
  if (saved !== undefined) {
    checkToken(saved, path);
    await keepPrivate(path);
    return { token: saved, source: 'file', path };
  }
  const token = (options.randomBytes ?? cryptoRandomBytes)(32).toString('base64url');
  await mkdir(options.dataDir, { recursive: true });
  // `wx`: never overwrite a token another Eddy wrote meanwhile; the mode applies at creation.
  await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  const announce = options.announce ?? ((line: string) => process.stdout.write(`${line}\n`));
  announce(`API token: ${token} (saved in ${path})`);
  return { token, source: 'generated', path };
}

/** `<dataDir>/api-token`. */
export function apiTokenPath(dataDir: string): string {
  return join(dataDir, API_TOKEN_FILE);
}

/**
 * The token a client (the CLI) should send: `EDDY_API_TOKEN`, else the data directory's file,
 * else undefined.
 *
 * @example
 * const token = await readApiToken({ dataDir: '.eddy' });
 * if (token) headers.authorization = `Bearer ${token}`;
 */
export async function readApiToken(options: {
  readonly dataDir: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}): Promise<string | undefined> {
  const fromEnv = (options.env ?? process.env)[API_TOKEN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return readTokenFile(apiTokenPath(options.dataDir));
}

async function readTokenFile(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Cannot read the API token file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function keepPrivate(path: string): Promise<void> {
  const { mode } = await stat(path);
  if ((mode & 0o077) !== 0) await chmod(path, 0o600);
}

/** Refuses a weak or unsendable token, naming where it came from (never the token itself). */
function checkToken(token: string, origin: string): void {
  if (token.length < MIN_API_TOKEN_LENGTH) {
    throw new Error(
      `The API token from ${origin} is too short (${token.length} characters, at least ${MIN_API_TOKEN_LENGTH}): ` +
        `use a long random one, or unset ${API_TOKEN_ENV} and delete the file to let Eddy generate one.`,
    );
  }
  if (!TOKEN68.test(token)) {
    throw new Error(
      `The API token from ${origin} has characters a Bearer header cannot carry: use letters, digits and - . _ ~ + /.`,
    );
  }
}
