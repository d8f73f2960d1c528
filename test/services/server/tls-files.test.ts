import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStartTls } from '../../../services/server/security-options.ts';
import { loadTlsFiles, TlsFileError } from '../../../services/server/tls-files.ts';
import { makeSelfSignedCert, type SelfSignedCert } from '../../support/self-signed-cert.ts';

const FLAGS = { cert: '--tls-cert', key: '--tls-key', ca: '--tls-ca' };

describe('loadTlsFiles', () => {
  let dir: string;
  let one: SelfSignedCert;
  let other: SelfSignedCert;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-tls-files-'));
    [one, other] = await Promise.all([makeSelfSignedCert(dir, 'one'), makeSelfSignedCert(dir, 'other')]);
    await writeFile(join(dir, 'not-pem.txt'), 'hello');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a certificate, its key and a CA', async () => {
    const tls = await loadTlsFiles({ cert: one.certPath, key: one.keyPath, ca: other.certPath }, FLAGS);
    expect(tls?.cert?.equals(one.cert)).toBe(true);
    expect(tls?.key?.equals(one.key)).toBe(true);
    expect(tls?.ca?.equals(other.cert)).toBe(true);
  });

  it('is undefined without files', async () => {
    expect(await loadTlsFiles({}, FLAGS)).toBeUndefined();
  });

  it('names the flag and the file that cannot be read', async () => {
    const missing = join(dir, 'missing.crt');
    await expect(loadTlsFiles({ cert: missing, key: one.keyPath }, FLAGS)).rejects.toThrow(
      `cannot read --tls-cert ${missing}: no such file`,
    );
  });

  it('refuses a file that is not PEM', async () => {
    const path = join(dir, 'not-pem.txt');
    await expect(loadTlsFiles({ cert: one.certPath, key: path }, FLAGS)).rejects.toThrow(
      `--tls-key ${path} is not a PEM private key`,
    );
  });

  it('refuses the key of another certificate', async () => {
    const error = await loadTlsFiles({ cert: one.certPath, key: other.keyPath }, FLAGS).catch((e) => e);
    expect(error).toBeInstanceOf(TlsFileError);
    expect((error as Error).message).toBe(
      `--tls-key ${other.keyPath} is not the private key of --tls-cert ${one.certPath}: ` +
        'pass the key the certificate was made with',
    );
  });

  it('wants a certificate and its key together', async () => {
    await expect(loadTlsFiles({ cert: one.certPath }, FLAGS)).rejects.toThrow(
      '--tls-cert needs --tls-key too',
    );
    await expect(loadTlsFiles({ key: one.keyPath }, FLAGS)).rejects.toThrow('--tls-key needs --tls-cert too');
  });

  describe('loadStartTls', () => {
    it('loads the API, broker and client material of a start', async () => {
      const embedded = await loadStartTls({
        tlsCert: one.certPath,
        tlsKey: one.keyPath,
        mqttTlsCert: other.certPath,
        mqttTlsKey: other.keyPath,
      });
      expect(embedded.api?.cert.equals(one.cert)).toBe(true);
      expect(embedded.broker?.key.equals(other.key)).toBe(true);
      expect(embedded.mqttClient).toBeUndefined();

      const external = await loadStartTls({ mqttUrl: 'mqtts://broker:8883', mqttCa: one.certPath });
      expect(external.mqttClient?.ca?.equals(one.cert)).toBe(true);
      expect(external.api).toBeUndefined();
    });

    it('refuses flags that do not fit the broker mode', async () => {
      await expect(
        loadStartTls({ mqttUrl: 'mqtts://broker:8883', mqttTlsCert: one.certPath, mqttTlsKey: one.keyPath }),
      ).rejects.toThrow(/configure the embedded broker.*use --mqtt-ca/);
      await expect(loadStartTls({ mqttCa: one.certPath })).rejects.toThrow(
        /are for an external broker \(--mqtt mqtts:/,
      );
      await expect(loadStartTls({ mqttUrl: 'mqtt://broker:1883', mqttCa: one.certPath })).rejects.toThrow(
        /write --mqtt mqtts:\/\/host:8883/,
      );
      await expect(loadStartTls({ mqttTlsCa: one.certPath })).rejects.toThrow(/add --mqtt-tls-cert/);
    });
  });
});
