import { mkdtemp, rm } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../../../services/broker/embedded-broker.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { startEddy } from '../../../services/server/eddy-server.ts';
import type { SecurityStartOptions } from '../../../services/server/security-options.ts';
import type { StartOptions } from '../../../services/server/start-options.ts';
import { makeSelfSignedCert, type SelfSignedCert } from '../../support/self-signed-cert.ts';
import { waitFor } from '../../support/wait-for.ts';

/** GET over HTTPS trusting `ca`: status and body. */
function httpsGetText(
  url: string,
  ca: Buffer,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    }).on('error', reject);
  });
}

/** Plain HTTP GET: resolves with the status, rejects on a socket error. */
function plainGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    request.setTimeout(5_000, () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

describe('TLS', () => {
  let dir: string;
  let server: SelfSignedCert;
  let device: SelfSignedCert;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-tls-'));
    [server, device] = await Promise.all([
      makeSelfSignedCert(dir, 'server'),
      makeSelfSignedCert(dir, 'device'),
    ]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const startOptions = async (extra: Partial<StartOptions> & SecurityStartOptions) => ({
    mqttPort: 0,
    mqttHost: '127.0.0.1',
    simulate: 0,
    seed: 1,
    influx: 'off',
    port: 0,
    host: '127.0.0.1',
    dataDir: await mkdtemp(join(dir, 'data-')),
    windowMs: 10_000,
    outOfOrdernessMs: 2_000,
    quietPeriodMs: 30_000,
    parallelism: 1,
    checkpointIntervalMs: 0,
    ...extra,
  });

  it('embedded broker over TLS: a device trusting the CA publishes, Eddy ingests; the API answers over HTTPS only', async () => {
    const eddy = await startEddy(
      await startOptions({
        mqttTlsCert: server.certPath,
        mqttTlsKey: server.keyPath,
        tlsCert: server.certPath,
        tlsKey: server.keyPath,
      }),
      silentLogger,
    );
    try {
      expect(eddy.mqttUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
      expect(eddy.apiUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

      const client = await connectAsync(eddy.mqttUrl, { ca: server.cert, reconnectPeriod: 0 });
      await client.publishAsync('sensors/tls-1/telemetry', JSON.stringify({ ts: Date.now(), power: 3 }), {
        qos: 1,
      });
      await client.endAsync();
      await waitFor(() => eddy.health().job.recordsIn >= 1, {
        timeoutMs: 10_000,
        message: 'the reading ingested',
      });

      // A client that does not trust the certificate is refused by its own TLS check.
      await expect(connectAsync(eddy.mqttUrl, { reconnectPeriod: 0, connectTimeout: 5_000 })).rejects.toThrow(
        /self[- ]signed certificate/,
      );

      const health = await httpsGetText(`${eddy.apiUrl}/api/health`, server.cert);
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', broker: { mode: 'embedded' } });
      const page = await httpsGetText(`${eddy.apiUrl}/`, server.cert);
      expect(page.status).toBe(200);
      expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(health.headers['content-security-policy']).toContain('upgrade-insecure-requests');

      // Plain HTTP to the HTTPS port gets no answer a browser would show.
      await expect(plainGet(eddy.apiUrl.replace('https://', 'http://'))).rejects.toThrow();
    } finally {
      await eddy.stop();
    }
  });

  it('external mqtts:// broker: --mqtt-ca makes Eddy trust a self-signed broker', async () => {
    const broker = await startEmbeddedBroker({ port: 0, tls: { cert: server.cert, key: server.key } });
    try {
      const eddy = await startEddy(
        await startOptions({ mqttUrl: broker.url, mqttCa: server.certPath }),
        silentLogger,
      );
      try {
        expect(eddy.mqttUrl).toBe(broker.url);
        const client = await connectAsync(broker.url, { ca: server.cert, reconnectPeriod: 0 });
        await client.publishAsync('sensors/tls-2/telemetry', JSON.stringify({ ts: Date.now(), power: 4 }), {
          qos: 1,
        });
        await client.endAsync();
        await waitFor(() => eddy.health().job.recordsIn >= 1, {
          timeoutMs: 10_000,
          message: 'the reading ingested through the external TLS broker',
        });
      } finally {
        await eddy.stop();
      }
    } finally {
      await broker.close();
    }
  });

  it('embedded broker with a client CA: only devices with a certificate it signed connect', async () => {
    const broker = await startEmbeddedBroker({
      port: 0,
      tls: { cert: server.cert, key: server.key, ca: device.cert },
    });
    try {
      const withCert = await connectAsync(broker.url, {
        ca: server.cert,
        cert: device.cert,
        key: device.key,
        reconnectPeriod: 0,
      });
      expect(withCert.connected).toBe(true);
      await withCert.endAsync();
      await expect(
        connectAsync(broker.url, { ca: server.cert, reconnectPeriod: 0, connectTimeout: 5_000 }),
      ).rejects.toThrow();
    } finally {
      await broker.close();
    }
  });

  it('applies --rate-limit to the API of a started Eddy', async () => {
    const eddy = await startEddy(await startOptions({ rateLimit: 2 }), silentLogger);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${eddy.apiUrl}/api/health`)).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect((await fetch(`${eddy.apiUrl}/`)).status).toBe(200); // the dashboard still loads
    } finally {
      await eddy.stop();
    }
  });

  it('fails the start at once, naming the flag, for a key that does not belong to the certificate', async () => {
    await expect(
      startEddy(await startOptions({ tlsCert: server.certPath, tlsKey: device.keyPath }), silentLogger),
    ).rejects.toThrow(`--tls-key ${device.keyPath} is not the private key of --tls-cert ${server.certPath}`);
  });
});
