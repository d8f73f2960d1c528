/**
 * Eddy as the soak test runs it: `eddy start` in a child process (so its memory is its own),
 * read from outside through `/proc/<pid>/status`, `GET /metrics` and `GET /api/health`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const EDDY_BIN = fileURLToPath(new URL('../../bin/eddy.js', import.meta.url));

/** How the child is started. */
export interface EddyProcessOptions {
  /** Throw-away data directory (checkpoints, API token, `eddy.log`). */
  readonly dataDir: string;
  readonly mqttPort: number;
  readonly apiPort: number;
  /** InfluxDB URL with the database in the path. */
  readonly influx: string;
  /** Further `eddy start` flags, e.g. `['--state-ttl', '2m']`. */
  readonly extraArgs: readonly string[];
  /** How long to wait for `/api/health` (default 120 s: tsx compiles on the first start). */
  readonly readyTimeoutMs?: number;
}

/** What Eddy says about itself, read from `/api/health` and `/metrics` (absent when unreadable). */
export interface EddyReadout {
  readonly recordsIn?: number;
  readonly deadLetters?: number;
  readonly lateRecords?: number;
  readonly windowPointsWritten?: number;
  readonly heapUsedBytes?: number;
  readonly heapTotalBytes?: number;
  readonly externalBytes?: number;
  readonly eventLoopLagP99Seconds?: number;
  /** Checkpoints completed so far. */
  readonly checkpointsCompleted?: number;
  /** Longest capture pause of any checkpoint so far, in seconds. */
  readonly checkpointMaxPauseSeconds?: number;
  /** Keys held in the last completed checkpoint. */
  readonly checkpointLastKeys?: number;
}

const TOKEN = 'soak-test-token-0123456789abcdef';

/**
 * Whether `eddy start` knows `flag` (its `--help` mentions it), e.g. `--state-ttl`.
 *
 * @example
 * await eddyStartHasFlag('--state-ttl'); // false until state expiry is wired into eddy start
 */
export function eddyStartHasFlag(flag: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(process.execPath, [EDDY_BIN, 'start', '--help'], (error, stdout) => {
      resolve(!error && stdout.includes(flag));
    });
  });
}

/**
 * A running `eddy start` child.
 *
 * @example
 * const eddy = await EddyProcess.start({ dataDir, mqttPort, apiPort, influx, extraArgs: [] });
 * await eddy.rssBytes(); await eddy.readout(); await eddy.stop();
 */
export class EddyProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly apiUrl: string,
    readonly mqttUrl: string,
    readonly logFile: string,
    readonly exited: Promise<number | null>,
  ) {}

  get pid(): number {
    return this.child.pid as number;
  }

  static async start(options: EddyProcessOptions): Promise<EddyProcess> {
    const args = [
      EDDY_BIN,
      'start',
      '--simulate',
      '0',
      '--mqtt-port',
      String(options.mqttPort),
      '--port',
      String(options.apiPort),
      '--data-dir',
      options.dataDir,
      '--influx',
      options.influx,
      '--log-level',
      'warn',
      ...options.extraArgs,
    ];
    const logFile = join(options.dataDir, 'eddy.log');
    const log = createWriteStream(logFile);
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, EDDY_API_TOKEN: TOKEN },
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const eddy = new EddyProcess(
      child,
      `http://127.0.0.1:${options.apiPort}`,
      `mqtt://127.0.0.1:${options.mqttPort}`,
      logFile,
      exited,
    );
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    const until = Date.now() + (options.readyTimeoutMs ?? 120_000);
    while (!(await eddy.healthy())) {
      if (gone) throw new Error(`eddy start exited before it was ready: see ${logFile}`);
      if (Date.now() > until) {
        await eddy.stop();
        throw new Error(
          `eddy start was not ready within ${options.readyTimeoutMs ?? 120_000} ms: see ${logFile}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return eddy;
  }

  /** VmRSS of the child, from `/proc/<pid>/status`. */
  async rssBytes(): Promise<number> {
    return procRssBytes(this.pid);
  }

  /** Eddy's own counters and heap; fields it could not read are left out. */
  async readout(): Promise<EddyReadout> {
    const [health, metrics] = await Promise.all([
      this.get('/api/health').then((r) => r.json() as Promise<HealthBody>),
      this.get('/metrics').then((r) => r.text()),
    ]).catch(() => [undefined, undefined] as const);
    const gauge = (name: string) => {
      const match = metrics?.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm'));
      return match ? Number(match[1]) : undefined;
    };
    const fields = {
      recordsIn: health?.job?.recordsIn,
      deadLetters: health?.job?.deadLetters,
      lateRecords: health?.job?.lateRecords,
      windowPointsWritten: health?.influx?.pointsWritten,
      heapUsedBytes: gauge('eddy_nodejs_heap_size_used_bytes'),
      heapTotalBytes: gauge('eddy_nodejs_heap_size_total_bytes'),
      externalBytes: gauge('eddy_nodejs_external_memory_bytes'),
      eventLoopLagP99Seconds: gauge('eddy_nodejs_eventloop_lag_p99_seconds'),
      checkpointsCompleted: gauge('eddy_checkpoints_completed_total'),
      checkpointMaxPauseSeconds: gauge('eddy_checkpoint_max_pause_seconds'),
      checkpointLastKeys: gauge('eddy_checkpoint_last_keys'),
    };
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as EddyReadout;
  }

  /** SIGTERM (Eddy takes a final checkpoint and flushes), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  private async healthy(): Promise<boolean> {
    try {
      return (await this.get('/api/health')).ok;
    } catch {
      return false;
    }
  }

  private get(path: string): Promise<Response> {
    return fetch(`${this.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: AbortSignal.timeout(5_000),
    });
  }
}

interface HealthBody {
  job?: { recordsIn?: number; deadLetters?: number; lateRecords?: number };
  influx?: { pointsWritten?: number };
}

/**
 * Resident set size of process `pid` (VmRSS in `/proc/<pid>/status`), in bytes.
 *
 * @example
 * await procRssBytes(process.pid); // e.g. 81_231_872
 */
export async function procRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = status.match(/^VmRSS:\s+(\d+) kB$/m);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
