import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../../services/common/logger.ts';
import { createInfluxClient } from '../../../services/connectors/influx/create-influx-client.ts';
import { ensureInfluxDatabase } from '../../../services/connectors/influx/ensure-influx-database.ts';
import { InfluxAuthError } from '../../../services/connectors/influx/influx-access.ts';
import {
  readInfluxCredentials,
  withInfluxCredentials,
} from '../../../services/connectors/influx/influx-credentials.ts';
import { parseInfluxUrl } from '../../../services/connectors/influx/influx-url.ts';
import { resolveInfluxTarget } from '../../../services/server/influx-target.ts';
import { spawnEddy } from '../../support/eddy-process.ts';
import { type InfluxdWithAuth, startInfluxdWithAuth } from '../../support/influxd-with-auth.ts';
import { waitFor } from '../../support/wait-for.ts';

const ADMIN = { username: 'admin', password: 'Adm1n-pw-never-logged-7Q' };

/** Rows of `SELECT` over HTTP with basic auth. */
async function selectWithAuth(url: string, database: string, query: string): Promise<unknown[][]> {
  const params = new URLSearchParams({ db: database, q: query });
  const basic = Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64');
  const response = await fetch(`${url}/query?${params}`, { headers: { authorization: `Basic ${basic}` } });
  const body = (await response.json()) as { results?: { series?: { values?: unknown[][] }[] }[] };
  return body.results?.[0]?.series?.[0]?.values ?? [];
}

describe('InfluxDB with authentication', () => {
  let dir: string;
  let influx: InfluxdWithAuth;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-influx-auth-'));
    influx = await startInfluxdWithAuth(join(dir, 'influxdb'), ADMIN);
  });
  afterAll(async () => {
    await influx?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes with the user and password of the flags, or of the URL', async () => {
    const fromFlags = withInfluxCredentials(
      parseInfluxUrl(`${influx.url}/flags_db`),
      await readInfluxCredentials({ influxUsername: ADMIN.username, influxPassword: ADMIN.password }),
    );
    const passwordFile = join(dir, 'influx-password');
    await writeFile(passwordFile, `${ADMIN.password}\n`, { mode: 0o600 });
    const fromFile = withInfluxCredentials(
      parseInfluxUrl(`${influx.url}/file_db`),
      await readInfluxCredentials({ influxUsername: ADMIN.username, influxPasswordFile: passwordFile }),
    );
    const inUrl = parseInfluxUrl(
      `http://${ADMIN.username}:${encodeURIComponent(ADMIN.password)}@${influx.url.slice('http://'.length)}/url_db`,
    );
    for (const url of [fromFlags, fromFile, inUrl]) {
      const client = createInfluxClient(url);
      await ensureInfluxDatabase(client, url.database);
      await client.writePoints(
        [{ measurement: 'probe', fields: { value: 1.5 }, timestamp: 1_700_000_000_000 }],
        {
          precision: 'ms',
        },
      );
      expect(await selectWithAuth(influx.url, url.database, 'SELECT value FROM probe')).toHaveLength(1);
    }
  });

  it('resolves the target with the credentials of the flags', async () => {
    const target = await resolveInfluxTarget(
      {
        influx: `${influx.url}/eddy`,
        dataDir: dir,
        influxUsername: ADMIN.username,
        influxPassword: ADMIN.password,
      },
      silentLogger,
    );
    expect(target).toMatchObject({ mode: 'external', url: { username: 'admin', password: ADMIN.password } });
  });

  it('refuses to start without credentials, or with a wrong password, saying what to set', async () => {
    const without = await resolveInfluxTarget(
      { influx: `${influx.url}/eddy`, dataDir: dir },
      silentLogger,
    ).catch((error: unknown) => error);
    expect(without).toBeInstanceOf(InfluxAuthError);
    expect((without as Error).message).toMatch(
      /^InfluxDB at http:\/\/127\.0\.0\.1:\d+\/eddy needs a user name and password \(HTTP 401: .+\): pass --influx-username/,
    );

    const wrong = await resolveInfluxTarget(
      {
        influx: `${influx.url}/eddy`,
        dataDir: dir,
        influxUsername: ADMIN.username,
        influxPassword: 'not-it',
      },
      silentLogger,
    ).catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(InfluxAuthError);
    expect((wrong as Error).message).toMatch(/refused user "admin" \(HTTP 401: authorization failed\)/);
    expect((wrong as Error).message).not.toContain('not-it');

    // The client alone gets InfluxDB's 401 on writes.
    const anonymous = createInfluxClient(parseInfluxUrl(`${influx.url}/eddy`));
    await expect(
      anonymous.writePoints([{ measurement: 'probe', fields: { value: 1 } }], { database: 'eddy' }),
    ).rejects.toThrow(/401/);
  });

  it('a password without a user, or both a password and a password file, are refused', async () => {
    await expect(
      resolveInfluxTarget({ influx: `${influx.url}/eddy`, dataDir: dir, influxPassword: 'x' }, silentLogger),
    ).rejects.toThrow('an InfluxDB password is given but no user name: add --influx-username');
    await expect(readInfluxCredentials({ influxPassword: 'x', influxPasswordFile: '/nope' })).rejects.toThrow(
      /keep one/,
    );
    await expect(readInfluxCredentials({ influxPasswordFile: join(dir, 'missing') })).rejects.toThrow(
      /cannot read --influx-password-file .*missing: no such file/,
    );
  });

  it('eddy start with credentials in URLs and the environment writes none of them to its log', async () => {
    const mqttSecret = 'mqtt-pw-never-logged-5K';
    const apiToken = 'api-token-never-logged-0123456789';
    const mqttUrl = new URL(inject('mqttUrl'));
    mqttUrl.username = 'sim';
    mqttUrl.password = mqttSecret; // the test mosquitto is anonymous: it ignores them
    const influxUrl = `http://${ADMIN.username}:${ADMIN.password}@${influx.url.slice('http://'.length)}/cli_db`;
    const eddy = spawnEddy(
      [
        'start',
        '--mqtt',
        mqttUrl.toString(),
        '--influx',
        influxUrl,
        '--simulate',
        '2',
        '--window',
        '1s',
        '--port',
        '0',
        '--data-dir',
        join(dir, 'cli-data'),
        '--checkpoint-interval',
        'off',
        '--log-level',
        'debug',
      ],
      { EDDY_API_TOKEN: apiToken },
    );
    try {
      const apiUrl = await eddy.ready;
      // A refused request and a request with the token: Fastify logs requests at info.
      await fetch(`${apiUrl}/api/savepoints`, {
        method: 'POST',
        headers: { authorization: 'Bearer wrong-token' },
      });
      await fetch(`${apiUrl}/api/jobs`, { headers: { authorization: `Bearer ${apiToken}` } });
      await waitFor(
        async () =>
          (await selectWithAuth(influx.url, 'cli_db', 'SELECT count(*) FROM window_agg')).length > 0,
        {
          timeoutMs: 30_000,
          message: 'the simulated fleet written to the authenticated InfluxDB',
        },
      );
    } finally {
      eddy.child.kill('SIGTERM');
      await eddy.exited;
    }
    const log = `${eddy.lines.map((line) => JSON.stringify(line)).join('\n')}\n${eddy.stderr()}`;
    expect(eddy.lines.length).toBeGreaterThan(5);
    for (const secret of [ADMIN.password, mqttSecret, apiToken]) expect(log).not.toContain(secret);
    expect(log).toContain(`${ADMIN.username}:***@`);
    expect(log).toContain('sim:***@');
  });
});
