import { join } from 'node:path';
import { findExecutable } from '../common/find-executable.ts';
import { freePort, isPortFree } from '../common/free-port.ts';
import type { Logger } from '../common/logger.ts';
import { checkInfluxAccess } from '../connectors/influx/influx-access.ts';
import {
  type InfluxCredentialOptions,
  readInfluxCredentials,
  withInfluxCredentials,
} from '../connectors/influx/influx-credentials.ts';
import { isInfluxAlive } from '../connectors/influx/influx-ping.ts';
import { type InfluxUrl, parseInfluxUrl } from '../connectors/influx/influx-url.ts';
import { type InfluxdProcess, startInfluxd } from '../connectors/influx/influxd-process.ts';
import { LOCAL_INFLUX } from './start-options.ts';

/**
 * Where aggregates are written:
 * - `external`: the URL the user gave (`--influx`);
 * - `local`: an InfluxDB already answering on 127.0.0.1:8086;
 * - `spawned`: an `influxd` Eddy started itself, data under `<dataDir>/influxdb`;
 * - `disabled`: none (`--influx off`, or none found): Eddy runs without history and says why.
 */
export type InfluxTarget =
  | { readonly mode: 'external' | 'local'; readonly url: InfluxUrl }
  | { readonly mode: 'spawned'; readonly url: InfluxUrl; readonly process: InfluxdProcess }
  | { readonly mode: 'disabled'; readonly reason: string };

/**
 * Finds where aggregates go (see {@link InfluxTarget}). The user and password of the flags
 * (`--influx-username`, `EDDY_INFLUX_PASSWORD`, `--influx-password-file`) win over those in the
 * URL; an external or local InfluxDB that refuses them (HTTP 401) fails the start with an
 * `InfluxAuthError` saying which flags to set, instead of a stream of refused writes.
 *
 * @example
 * const target = await resolveInfluxTarget({ influx: 'http://db:8086/eddy', influxUsername: 'eddy', dataDir: '.eddy' }, logger);
 */
export async function resolveInfluxTarget(
  options: { influx?: string; dataDir: string } & InfluxCredentialOptions,
  logger: Logger,
): Promise<InfluxTarget> {
  if (options.influx === 'off') return { mode: 'disabled', reason: 'InfluxDB is off (--influx off)' };
  const credentials = await readInfluxCredentials(options);
  if (options.influx !== undefined) {
    const url = withInfluxCredentials(parseInfluxUrl(options.influx), credentials);
    await checkInfluxAccess(url);
    return { mode: 'external', url };
  }

  const localUrl = `http://127.0.0.1:${LOCAL_INFLUX.httpPort}`;
  if (await isInfluxAlive(localUrl, 1_000)) {
    const url = withInfluxCredentials(parseInfluxUrl(`${localUrl}/${LOCAL_INFLUX.database}`), credentials);
    await checkInfluxAccess(url);
    return { mode: 'local', url };
  }
  if (!findExecutable('influxd')) {
    return {
      mode: 'disabled',
      reason:
        'no InfluxDB at 127.0.0.1:8086 and influxd is not installed: running without history ' +
        '(install it with "sudo apt-get install influxdb", or pass --influx URL)',
    };
  }
  withInfluxCredentials(parseInfluxUrl(localUrl), credentials); // refuses a password without a user first
  try {
    const process = await startInfluxd({
      dataDir: join(options.dataDir, 'influxdb'),
      httpPort: LOCAL_INFLUX.httpPort,
      bindPort: (await isPortFree(LOCAL_INFLUX.bindPort)) ? LOCAL_INFLUX.bindPort : await freePort(),
      logger,
    });
    const url = withInfluxCredentials(parseInfluxUrl(`${process.url}/${LOCAL_INFLUX.database}`), credentials);
    return { mode: 'spawned', url, process };
  } catch (error) {
    return {
      mode: 'disabled',
      reason: `could not start a local influxd (${(error as Error).message}): running without history`,
    };
  }
}
