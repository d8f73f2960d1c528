import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';

/** PEM files as given on the command line; each named by the flag it came from, for errors. */
export interface TlsFilePaths {
  /** Certificate (chain), PEM. */
  readonly cert?: string;
  /** Private key of `cert`, PEM (not encrypted). */
  readonly key?: string;
  /** CA certificate(s) to trust, PEM. */
  readonly ca?: string;
}

/** The files' contents, ready for `tls.createServer`, Fastify's `https` or mqtt.js. */
export interface TlsMaterial {
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly ca?: Buffer;
}

/** The flag names to quote in errors, e.g. `{ cert: '--tls-cert', key: '--tls-key' }`. */
export type TlsFlagNames = { readonly [K in keyof TlsFilePaths]-?: string };

/** A TLS file that cannot be used; the message names the flag, the file and what to do. */
export class TlsFileError extends Error {
  override readonly name = 'TlsFileError';
  readonly code = 'EDDY_TLS_FILE';
}

/**
 * Reads and checks the PEM files of one TLS endpoint at startup, so that a typo fails at once with
 * a message naming the flag and the file, not at the first handshake:
 * - a certificate needs its key and a key its certificate (both or neither);
 * - every file must be readable and PEM;
 * - the key must belong to the certificate (`tls.createSecureContext` checks that).
 *
 * Resolves with `undefined` when no file was given.
 *
 * @example
 * const tls = await loadTlsFiles({ cert: 'eddy.crt', key: 'eddy.key' }, { cert: '--tls-cert', key: '--tls-key', ca: '--tls-ca' });
 * Fastify({ https: { cert: tls.cert, key: tls.key } });
 */
export async function loadTlsFiles(
  paths: TlsFilePaths,
  flags: TlsFlagNames,
): Promise<TlsMaterial | undefined> {
  if (paths.cert === undefined && paths.key === undefined && paths.ca === undefined) return undefined;
  if ((paths.cert === undefined) !== (paths.key === undefined)) {
    const [given, missing] = paths.cert === undefined ? [flags.key, flags.cert] : [flags.cert, flags.key];
    throw new TlsFileError(
      `${given} needs ${missing} too: pass the certificate and its private key together`,
    );
  }
  const [cert, key, ca] = await Promise.all([
    readPem(paths.cert, flags.cert, 'CERTIFICATE'),
    readPem(paths.key, flags.key, 'PRIVATE KEY'),
    readPem(paths.ca, flags.ca, 'CERTIFICATE'),
  ]);
  try {
    createSecureContext({
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(ca ? { ca } : {}),
    });
  } catch (error) {
    const reason = (error as Error).message;
    if (/key values mismatch|KEY_VALUES_MISMATCH/i.test(reason)) {
      throw new TlsFileError(
        `${flags.key} ${paths.key} is not the private key of ${flags.cert} ${paths.cert}: ` +
          'pass the key the certificate was made with',
        { cause: error },
      );
    }
    throw new TlsFileError(
      `the TLS files (${describe(paths, flags)}) cannot be used: ${reason}. Check that they are PEM and belong together`,
      { cause: error },
    );
  }
  return { ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(ca ? { ca } : {}) };
}

async function readPem(
  path: string | undefined,
  flag: string,
  label: 'CERTIFICATE' | 'PRIVATE KEY',
): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new TlsFileError(`cannot read ${flag} ${path}: ${why}`, { cause: error });
  }
  const text = content.toString('latin1');
  const pattern =
    label === 'CERTIFICATE' ? /-----BEGIN CERTIFICATE-----/ : /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
  if (!pattern.test(text)) {
    throw new TlsFileError(
      `${flag} ${path} is not a PEM ${label === 'CERTIFICATE' ? 'certificate' : 'private key'} ` +
        `(no "-----BEGIN ${label}-----" line)`,
    );
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) {
    throw new TlsFileError(
      `${flag} ${path} is encrypted: Eddy cannot ask for its passphrase; decrypt it (openssl pkey -in ${path} -out plain.key)`,
    );
  }
  return content;
}

function describe(paths: TlsFilePaths, flags: TlsFlagNames): string {
  return (['cert', 'key', 'ca'] as const)
    .filter((name) => paths[name] !== undefined)
    .map((name) => `${flags[name]} ${paths[name]}`)
    .join(', ');
}
