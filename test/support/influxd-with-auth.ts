import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnDaemon, waitUntilReady } from '../../services/common/daemon-process.ts';
import { findExecutable } from '../../services/common/find-executable.ts';
import { freePorts } from '../../services/common/free-port.ts';
import { isInfluxAlive } from '../../services/connectors/influx/influx-ping.ts';
import { renderInfluxdConfig } from '../../services/connectors/influx/influxd-config.ts';

/** An influxd with `auth-enabled = true` and one admin user, for tests of credentials. */
export interface InfluxdWithAuth {
  /** `http://127.0.0.1:<port>`, no credentials, no database. */
  readonly url: string;
  readonly admin: { readonly username: string; readonly password: string };
  stop(): Promise<void>;
}

/**
 * Starts a throw-away influxd in `dataDir` with authentication on and creates the admin user over
 * HTTP: InfluxDB 1.x lets anyone create the first admin user, and asks for credentials from then on.
 *
 * @example
 * const influx = await startInfluxdWithAuth(join(tmp, 'influxdb'), { username: 'admin', password: 'pw' });
 */
export async function startInfluxdWithAuth(
  dataDir: string,
  admin: { readonly username: string; readonly password: string },
): Promise<InfluxdWithAuth> {
  const executable = findExecutable('influxd');
  if (!executable) throw new Error('influxd not found: run scripts/install-services.sh --test');
  const [httpPort, bindPort] = await freePorts(2);
  await mkdir(dataDir, { recursive: true });
  const configPath = join(dataDir, 'influxdb.conf');
  await writeFile(
    configPath,
    renderInfluxdConfig({
      dataDir,
      host: '127.0.0.1',
      httpPort: httpPort!,
      bindPort: bindPort!,
      authEnabled: true,
    }),
  );
  const daemon = await spawnDaemon({ name: 'influxd', command: executable, args: ['-config', configPath] });
  const url = `http://127.0.0.1:${httpPort}`;
  await waitUntilReady(daemon, () => isInfluxAlive(url, 1_000), { what: `answer GET ${url}/ping` });
  const statement = `CREATE USER "${admin.username}" WITH PASSWORD '${admin.password}' WITH ALL PRIVILEGES`;
  const response = await fetch(`${url}/query`, {
    method: 'POST',
    body: new URLSearchParams({ q: statement }),
  });
  if (!response.ok) {
    await daemon.stop();
    throw new Error(
      `could not create the InfluxDB admin user: HTTP ${response.status} ${await response.text()}`,
    );
  }
  return { url, admin, stop: () => daemon.stop(15_000) };
}
