import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { spawnDaemon, waitUntilReady } from '../../common/daemon-process.ts';
import { findExecutable } from '../../common/find-executable.ts';
import type { Logger } from '../../common/logger.ts';
import { isInfluxAlive } from './influx-ping.ts';
import { hostPort, renderInfluxdConfig, validateInfluxdConfig } from './influxd-config.ts';

const INSTALL_HINT =
  'install InfluxDB 1.x with "sudo apt-get install influxdb" (or run scripts/install-services.sh)';

/** The one line shown when `influxd` is not installed. */
export const INFLUXD_NOT_FOUND_MESSAGE = `influxd not found: ${INSTALL_HINT}`;

/** `influxd` is not installed (not on PATH, nor in /usr/sbin or /usr/bin). */
export class InfluxdNotFoundError extends Error {
  readonly code = 'EDDY_INFLUXD_NOT_FOUND';
  constructor(message = INFLUXD_NOT_FOUND_MESSAGE) {
    super(message);
    this.name = 'InfluxdNotFoundError';
  }
}

/** The port or data folder is already used by another InfluxDB. */
export class InfluxdBusyError extends Error {
  readonly code = 'EDDY_INFLUXD_BUSY';
  constructor(message: string) {
    super(message);
    this.name = 'InfluxdBusyError';
  }
}

/** How to run a local influxd. */
export interface StartInfluxdOptions {
  /** Folder for the generated config, `meta/`, `data/` and `wal/` (created if missing; kept on stop). */
  readonly dataDir: string;
  /** HTTP API port. */
  readonly httpPort: number;
  /** RPC (backup/restore) port: InfluxDB's default 8088 is often taken, so it is always given. */
  readonly bindPort: number;
  /** Address to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /** Require a username and password on the HTTP API (`auth-enabled`; default false). */
  readonly authEnabled?: boolean;
  /** Receives influxd's warnings and errors (default: silent). */
  readonly logger?: Logger;
  /** How long to wait for `GET /ping` to answer 204 (default 30 s). */
  readonly readyTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL (default 15 s). */
  readonly stopTimeoutMs?: number;
  /** Path of the influxd binary (default: found on PATH, /usr/sbin, /usr/bin). */
  readonly executable?: string;
}

/** A running influxd started by {@link startInfluxd}. */
export interface InfluxdProcess {
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:8086` (no database in it). */
  readonly url: string;
  readonly pid: number;
  /** The generated config file. */
  readonly configPath: string;
  /** Resolves when influxd exited: its exit code, or `null` if a signal ended it. */
  readonly exited: Promise<number | null>;
  /** SIGTERM (influxd flushes and closes its shards), then SIGKILL after the stop timeout. */
  stop(): Promise<void>;
  /** SIGKILL at once, for crash tests; await `exited` to know it is gone. */
  kill(): void;
}

const PID_FILE = 'influxd.pid';

/**
 * Starts a local InfluxDB 1.x server (`influxd -config <dataDir>/influxdb.conf`) and resolves once
 * `GET /ping` answers 204. Rejects with one clear line if influxd is not installed, if an InfluxDB
 * already answers on `httpPort`, or if another influxd of ours runs on `dataDir`; rejects with
 * influxd's last output if it exits early or never gets ready. Data stays in `dataDir` across restarts.
 *
 * @example
 * const influx = await startInfluxd({ dataDir: '.eddy/influxdb', httpPort: 8086, bindPort: 8088 });
 * // … write to influx.url …
 * await influx.stop();
 */
export async function startInfluxd(options: StartInfluxdOptions): Promise<InfluxdProcess> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir);
  const { httpPort, bindPort, logger } = options;
  validateInfluxdConfig({ dataDir, host, httpPort, bindPort });
  const executable = resolveInfluxd(options.executable);
  const url = `http://${hostPort(connectHost(host), httpPort)}`;

  if (await isInfluxAlive(url, 1_000)) {
    throw new InfluxdBusyError(
      `an InfluxDB already answers at ${url}: use it, or start influxd on another httpPort`,
    );
  }
  await mkdir(dataDir, { recursive: true });
  const pidPath = join(dataDir, PID_FILE);
  await refuseIfDirBusy(pidPath, dataDir);
  const configPath = join(dataDir, 'influxdb.conf');
  await writeFile(
    configPath,
    renderInfluxdConfig({ dataDir, host, httpPort, bindPort, authEnabled: options.authEnabled }),
  );

  const daemon = await spawnDaemon({
    name: 'influxd',
    command: executable,
    args: ['-config', configPath],
    cwd: dataDir,
    env: withoutInfluxEnv(process.env),
    ...(logger ? { logger } : {}),
  });
  await writeFile(pidPath, `${daemon.pid}\n`);
  const exited = daemon.exited.then(async (code) => {
    await rm(pidPath, { force: true });
    return code;
  });
  await waitUntilReady(daemon, () => isInfluxAlive(url, 1_000), {
    what: `answer GET ${url}/ping`,
    hint: `check that port ${httpPort} and ${bindPort} are free and ${dataDir} is writable`,
    ...(options.readyTimeoutMs !== undefined ? { timeoutMs: options.readyTimeoutMs } : {}),
  }).catch(async (error: unknown) => {
    await exited;
    throw error;
  });
  logger?.info({ url, pid: daemon.pid, dataDir }, 'influxd ready');

  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  return {
    url,
    pid: daemon.pid,
    configPath,
    exited,
    async stop() {
      await daemon.stop(stopTimeoutMs);
      await exited;
    },
    kill: () => daemon.kill(),
  };
}

function resolveInfluxd(executable: string | undefined): string {
  const found = findExecutable(executable ?? 'influxd');
  if (found) return found;
  if (executable?.includes('/')) {
    throw new InfluxdNotFoundError(`influxd not found at ${executable}: ${INSTALL_HINT}`);
  }
  throw new InfluxdNotFoundError();
}

/** Connecting to a wildcard address means connecting to loopback. */
function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** influxd lets `INFLUXDB_*` variables override its config file: the generated file must win. */
function withoutInfluxEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('INFLUXDB_')));
}

/** Two influxd processes on one data folder corrupt it: refuse if the pid file names a live influxd. */
async function refuseIfDirBusy(pidPath: string, dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt(await readFile(pidPath, 'utf8'), 10);
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 0 && (await isLiveInfluxd(pid))) {
    throw new InfluxdBusyError(
      `another influxd (pid ${pid}) is running on ${dataDir}: stop it (kill ${pid}) or use another data folder`,
    );
  }
  await rm(pidPath, { force: true });
}

async function isLiveInfluxd(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('influxd');
  } catch {
    return process.platform !== 'linux';
  }
}
