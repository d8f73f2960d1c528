import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { type Daemon, spawnDaemon, waitUntilReady } from '../../services/common/daemon-process.ts';
import { findExecutable } from '../../services/common/find-executable.ts';
import { freePort } from '../../services/common/free-port.ts';
import type { Logger } from '../../services/common/logger.ts';

/** The one line shown when `mosquitto` is not installed. */
export const MOSQUITTO_NOT_FOUND_MESSAGE =
  'mosquitto not found: install it with "sudo apt-get install mosquitto"';

/** How to run a test broker. */
export interface StartMosquittoOptions {
  /** Folder for the generated `mosquitto.conf` and, with persistence, `mosquitto.db` (created if missing). */
  readonly dir: string;
  /** TCP port on 127.0.0.1 (default: a free one). */
  readonly port?: number;
  /** Keep retained messages, subscriptions and queued QoS 1/2 messages across restarts (default false). */
  readonly persistence?: boolean;
  /**
   * With persistence: save after every change, so that even `kill()` loses nothing. Without it
   * mosquitto saves only on a clean `stop()`.
   */
  readonly saveOnEveryChange?: boolean;
  /**
   * `max_inflight_messages`: unacknowledged QoS 1/2 messages mosquitto sends a client at once
   * (mosquitto's default 20; 0 is no limit). A consumer that holds PUBACKs until a checkpoint needs more.
   */
  readonly maxInflightMessages?: number;
  /** `max_queued_messages`: messages queued per client beyond those in flight (default 1000; 0 is no limit). */
  readonly maxQueuedMessages?: number;
  /** How long to wait for the port to accept connections (default 10 s). */
  readonly readyTimeoutMs?: number;
  /** Receives mosquitto's warnings and errors (default: silent). */
  readonly logger?: Logger;
}

/** A mosquitto broker for tests that can be stopped, killed and started again on the same port. */
export interface MosquittoProcess {
  readonly host: string;
  readonly port: number;
  /** `mqtt://127.0.0.1:<port>` */
  readonly url: string;
  readonly configPath: string;
  /** `true` between a `start()` that resolved and the process's exit. */
  readonly running: boolean;
  /** Resolves when the current broker process exits (already resolved when none runs). */
  readonly exited: Promise<number | null>;
  /** Starts the broker again after `stop()` or `kill()`: same port, same persistence. */
  start(): Promise<void>;
  /** SIGTERM (mosquitto saves its persistence file), SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
  /** SIGKILL at once: a broker crash. Await `exited` to know it is gone. */
  kill(): void;
}

/**
 * Starts `mosquitto -c <dir>/mosquitto.conf` on 127.0.0.1 with anonymous access, and resolves once
 * its port accepts TCP connections. Rejects with {@link MOSQUITTO_NOT_FOUND_MESSAGE} when mosquitto
 * is not installed, or with its last output when it exits early.
 *
 * @example
 * const broker = await startMosquitto({ dir: tmp, persistence: true });
 * await broker.stop();  // mid-stream outage
 * await broker.start(); // back on the same port, retained messages kept
 */
export async function startMosquitto(options: StartMosquittoOptions): Promise<MosquittoProcess> {
  const executable = findExecutable('mosquitto');
  if (!executable) throw new Error(MOSQUITTO_NOT_FOUND_MESSAGE);
  const dir = resolve(options.dir);
  const host = '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const configPath = join(dir, 'mosquitto.conf');
  await mkdir(dir, { recursive: true });
  await writeFile(configPath, renderMosquittoConfig({ ...options, dir, host, port }));

  let daemon: Daemon | undefined;
  const start = async () => {
    if (daemon?.running) throw new Error(`mosquitto already runs on ${host}:${port}: stop() it first`);
    const started = await spawnDaemon({
      name: 'mosquitto',
      command: executable,
      args: ['-c', configPath],
      cwd: dir,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    daemon = started;
    await waitUntilReady(started, () => acceptsConnections(host, port), {
      what: `accept TCP connections on ${host}:${port}`,
      timeoutMs: options.readyTimeoutMs ?? 10_000,
      intervalMs: 20,
      hint: `is port ${port} free?`,
    });
  };
  await start();

  return {
    host,
    port,
    url: `mqtt://${host}:${port}`,
    configPath,
    get running() {
      return daemon?.running ?? false;
    },
    get exited() {
      return daemon?.exited ?? Promise.resolve(null);
    },
    start,
    stop: async () => {
      await daemon?.stop(5_000);
    },
    kill: () => daemon?.kill(),
  };
}

/** The generated mosquitto 2.x configuration. */
export function renderMosquittoConfig(options: {
  dir: string;
  host: string;
  port: number;
  persistence?: boolean;
  saveOnEveryChange?: boolean;
  maxInflightMessages?: number;
  maxQueuedMessages?: number;
}): string {
  const lines = [
    '# Written by Eddy test support (test/support/mosquitto-process.ts).',
    // Run as root, mosquitto would switch to the `mosquitto` user, who cannot read a temp folder.
    `user ${userInfo().username}`,
    `listener ${options.port} ${options.host}`,
    'allow_anonymous true',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
  ];
  if (options.maxInflightMessages !== undefined)
    lines.push(`max_inflight_messages ${options.maxInflightMessages}`);
  if (options.maxQueuedMessages !== undefined) lines.push(`max_queued_messages ${options.maxQueuedMessages}`);
  if (options.persistence) {
    lines.push('persistence true', `persistence_location ${options.dir}/`, 'persistence_file mosquitto.db');
    if (options.saveOnEveryChange) lines.push('autosave_on_changes true', 'autosave_interval 1');
  } else {
    lines.push('persistence false');
  }
  return `${lines.join('\n')}\n`;
}

/** Whether a TCP connection to host:port succeeds (closed again at once). */
function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolveCheck) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolveCheck(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
