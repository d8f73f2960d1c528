import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type Logger, silentLogger } from './logger.ts';

/** What {@link spawnDaemon} runs. */
export interface DaemonOptions {
  /** Short name for logs and errors, e.g. `influxd`. */
  readonly name: string;
  /** Absolute path of the executable. */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** Environment of the child (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Receives every line the daemon prints, at `warn` (run daemons with quiet logging). */
  readonly logger?: Logger;
  /** How many of the daemon's last output lines to keep for error messages (default 40). */
  readonly tailLines?: number;
}

/** A long-running child process that Eddy started and must stop. */
export interface Daemon {
  readonly name: string;
  readonly pid: number;
  /** Resolves once the process exited and its output is drained: the exit code, `null` if a signal ended it. */
  readonly exited: Promise<number | null>;
  /** `true` until the process exited. */
  readonly running: boolean;
  /** The last lines the process printed (stdout and stderr interleaved). */
  outputTail(): string;
  /** SIGTERM, then SIGKILL if it is still running after `timeoutMs`; resolves once it exited. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL at once (crash tests); await `exited` to know it is gone. */
  kill(): void;
}

/** A daemon failed to start or to become ready; `output` holds its last lines. */
export class DaemonStartError extends Error {
  readonly code = 'EDDY_DAEMON_START_FAILED';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(output === '' ? message : `${message}\n--- last output ---\n${output}`);
    this.name = 'DaemonStartError';
  }
}

/** Children still running; sent SIGTERM if this process exits without stopping them. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of liveChildren) c.kill('SIGTERM');
  });
}

/**
 * Starts `command` as a child process (same process group, so Ctrl+C reaches it too) and resolves
 * once the OS has started it. Its output is read line by line, logged, and its tail kept for error
 * messages. A daemon still running when this process exits is sent SIGTERM.
 *
 * @example
 * const daemon = await spawnDaemon({ name: 'sleep', command: '/bin/sleep', args: ['60'] });
 * await daemon.stop(); // SIGTERM; SIGKILL after 10 s
 */
export async function spawnDaemon(options: DaemonOptions): Promise<Daemon> {
  const { name, logger = silentLogger, tailLines = 40 } = options;
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const collect = (stream: Readable | null) => {
    if (!stream) return;
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      if (line.trim() === '') return;
      tail.push(line);
      if (tail.length > tailLines) tail.splice(0, tail.length - tailLines);
      logger.warn({ daemon: name, pid: child.pid }, line);
    });
  };
  collect(child.stdout);
  collect(child.stderr);

  let running = true;
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('close', (code) => {
      running = false;
      liveChildren.delete(child);
      resolveExit(code);
    });
  });
  await new Promise<void>((resolveSpawn, rejectSpawn) => {
    const onSpawnError = (error: Error) => {
      rejectSpawn(new DaemonStartError(`cannot start ${name} (${options.command}): ${error.message}`, ''));
    };
    child.once('error', onSpawnError);
    child.once('spawn', () => {
      child.off('error', onSpawnError);
      child.on('error', (error) => logger.warn({ daemon: name, err: error }, `${name}: ${error.message}`));
      resolveSpawn();
    });
  });
  trackChild(child);
  const pid = child.pid!;
  logger.debug({ daemon: name, pid, args: options.args }, `${name} started`);

  const kill = () => {
    if (running) child.kill('SIGKILL');
  };
  return {
    name,
    pid,
    exited,
    get running() {
      return running;
    },
    outputTail: () => tail.join('\n'),
    kill,
    async stop(timeoutMs = 10_000) {
      if (!running) {
        await exited;
        return;
      }
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolveTimeout) => {
        timer = setTimeout(() => resolveTimeout('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        logger.warn(
          { daemon: name, pid },
          `${name} still running ${timeoutMs} ms after SIGTERM: sending SIGKILL`,
        );
        kill();
        await exited;
      }
    },
  };
}

/** How {@link waitUntilReady} polls. */
export interface ReadyOptions {
  /** Overall limit (default 30 s). */
  readonly timeoutMs?: number;
  /** Pause between checks (default 100 ms). */
  readonly intervalMs?: number;
  /** What ready means, for the error message, e.g. `answer GET http://127.0.0.1:8086/ping`. */
  readonly what: string;
  /** What to tell the user to do when it fails (appended to the first line). */
  readonly hint?: string;
}

/**
 * Polls `isReady` until it resolves `true`. Rejects with a {@link DaemonStartError} carrying the
 * daemon's last output if the daemon exits first, or if `timeoutMs` passes (the daemon is then killed).
 */
export async function waitUntilReady(
  daemon: Daemon,
  isReady: () => Promise<boolean>,
  options: ReadyOptions,
): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 100, what, hint } = options;
  const suffix = hint ? `; ${hint}` : '';
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (!daemon.running) {
      const code = await daemon.exited;
      const how = code === null ? 'was killed by a signal' : `exited with code ${code}`;
      throw new DaemonStartError(
        `${daemon.name} (pid ${daemon.pid}) ${how} before it could ${what}${suffix}`,
        daemon.outputTail(),
      );
    }
    if (await isReady()) return;
    if (performance.now() >= deadline) {
      daemon.kill();
      await daemon.exited;
      throw new DaemonStartError(
        `${daemon.name} (pid ${daemon.pid}) did not ${what} within ${timeoutMs} ms, so it was killed${suffix}`,
        daemon.outputTail(),
      );
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      daemon.exited,
      new Promise<void>((resolveDelay) => {
        timer = setTimeout(resolveDelay, intervalMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
