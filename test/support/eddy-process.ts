import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** One JSON log line of `eddy start` (pino, `EDDY_LOG_FORMAT=json`). */
export type EddyLogLine = Record<string, unknown> & { msg?: string; level?: number };

/** A running `eddy <command>` child process, with its JSON log lines. */
export interface EddyProcess {
  readonly child: ChildProcess;
  /** Resolves with the API URL once Eddy logged that it is running; rejects if it exits first. */
  readonly ready: Promise<string>;
  /** Resolves with the exit code (or null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Every JSON log line so far, in order. */
  readonly lines: EddyLogLine[];
  /** Resolves with the first log line (past or future) that `match` accepts; rejects if Eddy exits first. */
  waitForLine(match: (line: EddyLogLine) => boolean, timeoutMs: number, what: string): Promise<EddyLogLine>;
  /** What Eddy wrote to stderr. */
  stderr(): string;
}

/**
 * Runs `bin/eddy.js <args>` as a child process with JSON logs, as a user would (the real CLI, not
 * the in-process API). `ready` resolves on the "Eddy is running" line, which carries the dashboard
 * URL.
 */
export function spawnEddy(args: readonly string[], env: NodeJS.ProcessEnv = {}): EddyProcess {
  const child = spawn(process.execPath, ['bin/eddy.js', ...args], {
    cwd: repo,
    env: { ...process.env, EDDY_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines: EddyLogLine[] = [];
  const watchers = new Set<(line: EddyLogLine) => void>();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: EddyLogLine;
    try {
      line = JSON.parse(text) as EddyLogLine;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const watch of [...watchers]) watch(line);
  });

  const waitForLine = (match: (line: EddyLogLine) => boolean, timeoutMs: number, what: string) =>
    new Promise<EddyLogLine>((resolve, reject) => {
      const seen = lines.find(match);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => {
        watchers.delete(watch);
        reject(new Error(`eddy did not log ${what} within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
      }, timeoutMs);
      const watch = (line: EddyLogLine) => {
        if (!match(line)) return;
        clearTimeout(timer);
        watchers.delete(watch);
        resolve(line);
      };
      watchers.add(watch);
      void exited.then((code) => {
        if (!watchers.has(watch)) return;
        clearTimeout(timer);
        watchers.delete(watch);
        reject(
          new Error(`eddy exited with ${code} before it logged ${what}; stderr: ${stderr.slice(-2000)}`),
        );
      });
    });

  const ready = waitForLine((line) => typeof line.dashboard === 'string', 60_000, 'that it is running').then(
    (line) => line.dashboard as string,
  );
  ready.catch(() => {});
  return { child, ready, exited, lines, waitForLine, stderr: () => stderr };
}
