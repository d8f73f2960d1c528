import type { InfluxDB, IPoint, TimePrecision } from 'influx';
import type { Logger } from '../../common/logger.ts';
import type { Random } from '../../common/random.ts';
import type { Clock } from '../../engine/time/clock.ts';
import { ensureInfluxDatabase } from './ensure-influx-database.ts';
import { type BackoffOptions, DEFAULT_BACKOFF, validateBackoff } from './retry-backoff.ts';

/** Sends one batch; resolves once InfluxDB acknowledged it (HTTP 204). */
export type WritePoints = (points: IPoint[]) => Promise<void>;

/**
 * Options of `InfluxSink` (its counters and limits are defined in this file too).
 * Give `client` + `database`, or (in unit tests) `writePoints`.
 */
export interface InfluxSinkOptions<T> {
  /** Operator name in metrics and logs. Default `influx`. */
  readonly name?: string;
  /** Maps a record (and its event time) to the points that represent it. */
  readonly toPoints: (record: T, timestamp: number) => IPoint[];
  /** The client to write with (see `createInfluxClient`); needed unless `writePoints` is given. */
  readonly client?: InfluxDB;
  /**
   * Database written to and created by `open()`; needed with `client`. Use the one the client was
   * created for: `createInfluxClient` registers Eddy's schema (integer `count`) for that database only.
   */
  readonly database?: string;
  /** Time precision of the points' timestamps. Default `ms`. */
  readonly precision?: TimePrecision;
  /** Replaces the client's write, e.g. a fake in unit tests. */
  readonly writePoints?: WritePoints;
  /**
   * Serialise each write request in a turn of the event loop of its own (see `EventLoopTurns`),
   * not in the call that makes it due (a checkpoint's flush, the flush timer, a full batch), so
   * that lanes sending at once do not hold the thread together. Default true; unit tests that
   * check synchronously what went out turn it off.
   */
  readonly serializeInTurns?: boolean;
  /** Replaces "create the database unless it exists"; default with a client, else nothing. */
  readonly ensureDatabase?: () => Promise<void>;
  /** Where the points go, for logs (never with a password), e.g. `http://127.0.0.1:8086/eddy`. */
  readonly endpoint?: string;
  /** A batch is sent as soon as this many points wait. Default 5,000. */
  readonly batchSize?: number;
  /** No point waits longer than this before its batch is sent. Default 1,000 ms. */
  readonly flushIntervalMs?: number;
  /**
   * Batches sent concurrently. Points are spread over this many lanes by series (measurement +
   * tags); each lane sends one batch at a time, in order. Default 2.
   */
  readonly maxInFlight?: number;
  /**
   * Points held in memory (waiting or in flight): reaching it starts spilling (with `spillDir`),
   * else turns `writable` false. Default 100,000.
   */
  readonly maxBufferedPoints?: number;
  /**
   * Folder of the disk queue the sink spills to when `maxBufferedPoints` points wait, or when a
   * flush (a checkpoint) waits while InfluxDB fails. Eddy gives `<data-dir>/spill/<sink>`.
   * Without it nothing is spilled: past `maxBufferedPoints` the sink only turns `writable` false.
   */
  readonly spillDir?: string;
  /** Bytes the spill queue may hold before `writable` turns false (backpressure). Default 1 GiB. */
  readonly maxSpillBytes?: number;
  /** Size of one spill segment file. Default 8 MiB. */
  readonly spillSegmentBytes?: number;
  /** Retries of one batch before it is dropped. Default unlimited. */
  readonly maxRetries?: number;
  /** Retry delays (also while `open()` waits for the server). Default 200 ms doubling to 10 s. */
  readonly backoff?: Partial<BackoffOptions>;
  /** How long `close()` waits for the last writes before giving them up. Default 30 s. */
  readonly closeTimeoutMs?: number;
  /** Overrides the clock from the sink context. */
  readonly clock?: Clock;
  /** Jitter source. Default seeded from the clock at `open()`, so processes do not retry in step. */
  readonly random?: Random;
  readonly logger?: Logger;
}

/** Counters of an {@link InfluxSink}, for metrics and the health endpoint. */
export interface InfluxSinkStats {
  /** Points InfluxDB acknowledged. */
  readonly pointsWritten: number;
  readonly batchesWritten: number;
  /** Failed attempts that were retried (while open, and while `open()` waited for the server). */
  readonly retries: number;
  /** Points given up: refused for good (4xx), out of retries, or abandoned by `close()`. */
  readonly pointsDropped: number;
  readonly batchesDropped: number;
  /** Points accepted and not yet acknowledged or dropped (waiting or in flight). */
  readonly pointsBuffered: number;
  readonly batchesInFlight: number;
  /** Points accepted while more than `maxBufferedPoints` were buffered. */
  readonly pointsOverLimit: number;
  /** Whether the last contact with InfluxDB (open, or a batch) succeeded. */
  readonly reachable: boolean;
  readonly lastError?: string;
  /** True while `writable` is false (the runtime holds the sources). */
  readonly backpressured?: boolean;
  /** Total time `writable` was false, in ms of the sink's clock (the current stretch included). */
  readonly backpressuredMs?: number;
  /** The disk queue's counters, when the sink has a `spillDir`. */
  readonly spill?: InfluxSpillStats;
}

/** Counters of an {@link InfluxSinkStats}' spill queue. */
export interface InfluxSpillStats {
  /** True while new points go to the disk queue (until it is drained). */
  readonly spilling: boolean;
  /** Points and bytes ever appended to the queue (handed-over batches included). */
  readonly pointsSpilled: number;
  readonly bytesSpilled: number;
  /** Bytes in the queue now (on disk, and appended not yet written), and its segment files. */
  readonly bytes: number;
  readonly segments: number;
  /** Times the sink started spilling. */
  readonly spills: number;
}

/** Default bound of a sink's spill queue: 1 GiB. */
export const DEFAULT_MAX_SPILL_BYTES = 1024 ** 3;

/** How the sink reaches InfluxDB, from the options. */
export interface InfluxWriter {
  readonly writePoints: WritePoints;
  readonly ensureDatabase: () => Promise<void>;
  readonly endpoint: string;
}

/** `writePoints` / `ensureDatabase` from the options, or built on the client (precision `ms` by default). */
export function resolveInfluxWriter<T>(options: InfluxSinkOptions<T>, sinkName: string): InfluxWriter {
  const { client, database } = options;
  const endpoint = options.endpoint ?? (database ? `InfluxDB database "${database}"` : 'InfluxDB');
  let writePoints = options.writePoints;
  if (!writePoints && client && database) {
    const precision = options.precision ?? 'ms';
    writePoints = (points) => client.writePoints(points, { database, precision });
  }
  if (!writePoints) {
    throw new TypeError(`${sinkName}: give the sink a client and a database (or a writePoints function)`);
  }
  const ensureDatabase =
    options.ensureDatabase ??
    (client && database ? () => ensureInfluxDatabase(client, database) : () => Promise.resolve());
  return { writePoints, ensureDatabase, endpoint };
}

/** The numeric settings after defaults, checked. */
export interface InfluxSinkLimits {
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly maxInFlight: number;
  readonly maxBufferedPoints: number;
  readonly maxRetries: number;
  readonly closeTimeoutMs: number;
  readonly backoff: BackoffOptions;
}

/** Applies defaults and rejects settings that cannot work, naming the option. */
export function resolveInfluxSinkLimits<T>(options: InfluxSinkOptions<T>): InfluxSinkLimits {
  const limits: InfluxSinkLimits = {
    batchSize: options.batchSize ?? 5_000,
    flushIntervalMs: options.flushIntervalMs ?? 1_000,
    maxInFlight: options.maxInFlight ?? 2,
    maxBufferedPoints: options.maxBufferedPoints ?? 100_000,
    maxRetries: options.maxRetries ?? Number.POSITIVE_INFINITY,
    closeTimeoutMs: options.closeTimeoutMs ?? 30_000,
    backoff: validateBackoff({ ...DEFAULT_BACKOFF, ...options.backoff }),
  };
  positiveInteger('batchSize', limits.batchSize);
  positiveInteger('maxInFlight', limits.maxInFlight);
  positiveInteger('maxBufferedPoints', limits.maxBufferedPoints);
  if (!(limits.flushIntervalMs > 0))
    throw new RangeError(`flushIntervalMs must be > 0, got ${limits.flushIntervalMs}`);
  if (!(limits.maxRetries >= 0)) throw new RangeError(`maxRetries must be >= 0, got ${limits.maxRetries}`);
  if (!(limits.closeTimeoutMs >= 0))
    throw new RangeError(`closeTimeoutMs must be >= 0, got ${limits.closeTimeoutMs}`);
  return limits;
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
}
