import type { IPoint } from 'influx';
import { pino } from 'pino';
import type { Logger } from '../../../../services/common/logger.ts';
import type { WritePoints } from '../../../../services/connectors/influx/influx-sink.ts';

/** One `writePoints` call the fake received; the test decides how it ends. */
export interface WriteCall {
  readonly points: IPoint[];
  settled: boolean;
  /** Answered with success (InfluxDB acknowledged the points). */
  succeeded: boolean;
  succeed(): void;
  fail(error: unknown): void;
}

/**
 * A stand-in for InfluxDB's write endpoint in unit tests of the sink: records every batch and
 * leaves it pending until the test calls `succeed()` / `fail()` on it (or answers at once in
 * `autoSucceed` mode). Not used by integration tests, which talk to a real influxd.
 */
export class FakeInfluxWriter {
  readonly calls: WriteCall[] = [];
  autoSucceed = false;

  readonly write: WritePoints = (points) =>
    new Promise<void>((resolve, reject) => {
      const call: WriteCall = {
        points,
        settled: false,
        succeeded: false,
        succeed: () => {
          call.settled = true;
          call.succeeded = true;
          resolve();
        },
        fail: (error) => {
          call.settled = true;
          reject(error);
        },
      };
      this.calls.push(call);
      if (this.autoSucceed) call.succeed();
    });

  /** Calls still waiting for an answer. */
  pending(): WriteCall[] {
    return this.calls.filter((call) => !call.settled);
  }

  /** The last call; fails the test with a clear message when there is none. */
  last(): WriteCall {
    const call = this.calls[this.calls.length - 1];
    if (!call) throw new Error('no writePoints call yet');
    return call;
  }

  /** Every point of every call, as `series@value`, in call order. */
  written(): string[] {
    return this.calls.flatMap((call) => call.points.map(label));
  }
}

/** A point of series `series` (tag `s`) with field `v`. */
export function point(series: string, value: number, time = value): IPoint {
  return { measurement: 'm', tags: { s: series }, fields: { v: value }, timestamp: String(time) };
}

export function label(p: IPoint): string {
  return `${p.tags?.s}@${p.fields?.v}`;
}

/** Lets pending promise callbacks (the fake's answers reaching the sink) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Errors shaped like the `influx` client's. */
export const errors = {
  refused: () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
  http: (status: number, body: string) =>
    Object.assign(new Error(`A ${status} error occurred: ${body}`), { res: { statusCode: status } }),
};

/** A pino logger whose entries land in `entries` (level names as strings). */
export function captureLogger(): { logger: Logger; entries: Array<{ level: string; msg: string }> } {
  const entries: Array<{ level: string; msg: string }> = [];
  const logger = pino(
    { level: 'trace', formatters: { level: (name) => ({ level: name }) } },
    {
      write(line: string) {
        entries.push(JSON.parse(line) as { level: string; msg: string });
      },
    },
  );
  return { logger, entries };
}
