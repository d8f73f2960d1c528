import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { spawnDaemon, waitUntilReady } from '../../services/common/daemon-process.ts';
import { findExecutable } from '../../services/common/find-executable.ts';
import { freePort } from '../../services/common/free-port.ts';
import type { Logger } from '../../services/common/logger.ts';
import { processCpuSeconds } from './process-cpu.ts';

/** A mosquitto started for one benchmark. */
export interface BenchMosquitto {
  /** `mqtt://127.0.0.1:<port>` */
  readonly url: string;
  /** CPU seconds the broker used so far (user + system, from /proc; NaN where there is none). */
  cpuSeconds(): number;
  /** Stops the broker and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts `mosquitto` on a free loopback port, configured for benchmarks that fill a persistent
 * session while its subscriber is away and then measure how fast the subscriber drains it:
 * unlimited queues (`max_queued_messages 0`), QoS 0 messages queued too. Everything else keeps
 * mosquitto's defaults, notably `max_inflight_messages 20` (QoS 1 messages unacknowledged at once).
 */
export async function startBenchMosquitto(
  options: { logger?: Logger; extraConfig?: readonly string[] } = {},
): Promise<BenchMosquitto> {
  const executable = findExecutable('mosquitto');
  if (!executable) throw new Error('mosquitto not found: install it with "sudo apt-get install mosquitto"');
  const dir = await mkdtemp(join(tmpdir(), 'eddy-bench-mosquitto-'));
  const host = '127.0.0.1';
  const port = await freePort(host);
  const config = join(dir, 'mosquitto.conf');
  await writeFile(
    config,
    [
      '# Written by Eddy benchmarks (bench/support/bench-mosquitto.ts).',
      `user ${userInfo().username}`,
      `listener ${port} ${host}`,
      'allow_anonymous true',
      'persistence false',
      'max_queued_messages 0',
      'queue_qos0_messages true',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      ...(options.extraConfig ?? []),
      '',
    ].join('\n'),
  );
  const daemon = await spawnDaemon({
    name: 'mosquitto',
    command: executable,
    args: ['-c', config],
    cwd: dir,
  });
  await waitUntilReady(daemon, () => acceptsConnections(host, port), {
    what: `accept TCP connections on ${host}:${port}`,
    timeoutMs: 10_000,
    intervalMs: 20,
  });
  return {
    url: `mqtt://${host}:${port}`,
    cpuSeconds: () => processCpuSeconds(daemon.pid),
    stop: async () => {
      await daemon.stop(5_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
