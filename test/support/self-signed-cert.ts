import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throw-away certificate for `localhost` / `127.0.0.1` and its key, as files and as PEM. */
export interface SelfSignedCert {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * Makes a self-signed certificate (EC P-256, valid one day, subjectAltName `localhost` and
 * `127.0.0.1`) with the `openssl` CLI (installed by `scripts/install-services.sh --test`), in
 * `dir` as `<name>.crt` and `<name>.key`. Being self-signed, the certificate is its own CA: a
 * client trusts it with `ca: cert`.
 *
 * @example
 * const { certPath, keyPath, cert } = await makeSelfSignedCert(dir);
 * https.get('https://127.0.0.1:3000/api/health', { ca: cert });
 */
export async function makeSelfSignedCert(dir: string, name = 'eddy'): Promise<SelfSignedCert> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  return { certPath, keyPath, cert: await readFile(certPath), key: await readFile(keyPath) };
}
