import type { IPoint } from 'influx';
import murmurhash from 'murmurhash';
import { type Logger, silentLogger } from '../../common/logger.ts';
import { createRandom, type Random } from '../../common/random.ts';
import type { Sink, SinkContext } from '../../engine/api/sink.ts';
import type { Cancel, Clock } from '../../engine/time/clock.ts';
import {
  type InfluxSinkLimits,
  type InfluxSinkOptions,
  type InfluxSinkStats,
  resolveInfluxSinkLimits,
  resolveInfluxWriter,
  type WritePoints,
} from './influx-sink-options.ts';
import { describeWriteFailure, PointsRefusedError } from './influx-write-failure.ts';
import { type LaneCounts, SeriesLane, type SeriesLaneHost } from './series-lane.ts';
import { waitForDatabase } from './wait-for-database.ts';

export type { InfluxSinkOptions, InfluxSinkStats, WritePoints } from './influx-sink-options.ts';

interface FlushWaiter {
  readonly targets: readonly number[];
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * A batched InfluxDB writer for any record type, given how a record maps to points.
 *
 * - Batching: a lane sends as soon as `batchSize` points wait, and no point waits longer than
 *   `flushIntervalMs` (timed with the injected clock).
 * - Concurrency and order: points are spread over `maxInFlight` lanes by series (measurement +
 *   tags); a lane sends one batch at a time and retries it before the next, so the points of one
 *   series reach InfluxDB in the order they were written (a window that fires again overwrites
 *   its earlier result, never the reverse).
 * - Failures: unreachable server, 5xx, timeouts and auth errors are retried with jittered
 *   exponential backoff (`maxRetries`, default unlimited); a missing database is re-created;
 *   a 4xx that cannot succeed (field type conflict, partial write, unparsable point) is logged
 *   with InfluxDB's reason and dropped, counted in {@link InfluxSinkStats}.
 * - `flush()` resolves once every point written before the call is acknowledged (or dropped
 *   as above); `close()` flushes (at most `closeTimeoutMs`) and stops every timer.
 *
 * Design note on memory: `write()` never refuses a record, because the engine cannot wait yet.
 * Past `maxBufferedPoints` the sink keeps accepting, warns once and counts `pointsOverLimit`.
 * Backpressure and a disk spill come later (issue: Reliability) and plug in here: the runtime
 * pauses its sources while {@link InfluxSink.writable} is false and resumes on
 * {@link InfluxSink.onDrain}; a spill would take the lanes' oldest buffered batches instead.
 *
 * @example
 * const sink = new InfluxSink<WindowAggregate>({
 *   client: createInfluxClient(url), database: url.database, endpoint: formatInfluxUrl(url),
 *   toPoints: windowAggregateToPoints, logger,
 * });
 * await sink.open({ clock: systemClock }); // creates the database if missing
 * sink.write(aggregate, aggregate.end - 1);
 * await sink.flush();
 */
export class InfluxSink<T> implements Sink<T> {
  readonly name: string;
  private readonly limits: InfluxSinkLimits;
  private readonly toPoints: (record: T, timestamp: number) => IPoint[];
  private readonly writeBatch: WritePoints;
  private readonly ensureDatabase: () => Promise<void>;
  private readonly endpoint: string;
  private readonly logger: Logger;
  private readonly lanes: SeriesLane[];
  private readonly counts: LaneCounts = {
    pointsWritten: 0,
    batchesWritten: 0,
    retries: 0,
    pointsDropped: 0,
    batchesDropped: 0,
  };
  private readonly drainListeners = new Set<() => void>();
  private readonly stopped = new AbortController();
  private waiters: FlushWaiter[] = [];
  private clock: Clock | undefined;
  private random: Random | undefined;
  private state: 'new' | 'opening' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | undefined;
  private needsDatabase = false;
  private full = false;
  private cancelFlushTimer: Cancel | undefined;
  private pointsOverLimit = 0;
  private lastError: string | undefined;
  /** Whether the last contact with InfluxDB (open, or a batch) succeeded. */
  private reachable = false;

  constructor(private readonly options: InfluxSinkOptions<T>) {
    this.name = options.name ?? 'influx';
    this.limits = resolveInfluxSinkLimits(options);
    this.toPoints = options.toPoints;
    this.logger = options.logger ?? silentLogger;
    const writer = resolveInfluxWriter(options, this.name);
    this.endpoint = writer.endpoint;
    this.writeBatch = writer.writePoints;
    this.ensureDatabase = writer.ensureDatabase;
    const host = this.laneHost();
    this.lanes = Array.from({ length: this.limits.maxInFlight }, () => new SeriesLane(host));
  }

  /** Creates the database if missing, waiting (with a log line per attempt) while InfluxDB is unreachable. */
  async open(ctx: SinkContext): Promise<void> {
    if (this.state !== 'new') throw new Error(`${this.name}: open() was already called`);
    this.state = 'opening';
    const clock = this.options.clock ?? ctx.clock;
    const random = this.options.random ?? createRandom(clock.now());
    this.clock = clock;
    this.random = random;
    await waitForDatabase({
      ensureDatabase: this.ensureDatabase,
      clock,
      random,
      backoff: this.limits.backoff,
      maxRetries: this.limits.maxRetries,
      signal: this.stopped.signal,
      logger: this.logger,
      name: this.name,
      endpoint: this.endpoint,
      onRetry: (description) => {
        this.counts.retries++;
        this.lastError = description;
      },
    });
    if (this.state !== 'opening') throw new Error(`${this.name}: closed while waiting for ${this.endpoint}`);
    this.state = 'open';
    this.reachable = true;
    if (this.pointsBuffered > 0) this.armFlushTimer();
    for (const lane of this.lanes) lane.dispatch();
  }

  write(record: T, timestamp: number): void {
    if (this.state === 'closing' || this.state === 'closed') {
      throw new Error(`${this.name}: write() after close(); the record was not written`);
    }
    const points = this.toPoints(record, timestamp);
    if (points.length === 0) return;
    for (const point of points) this.laneOf(point).add(point);
    this.checkLimit(points.length);
    this.armFlushTimer();
  }

  /** Resolves once every point written before the call is acknowledged (or dropped as documented above). */
  flush(): Promise<void> {
    const targets = this.lanes.map((lane) => lane.markDue());
    if (this.reached(targets)) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ targets, resolve, reject }));
  }

  /** Flushes (for at most `closeTimeoutMs`, then gives up the rest and rejects) and stops every timer. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** False while `maxBufferedPoints` or more wait: where backpressure will pause the sources. */
  get writable(): boolean {
    return this.pointsBuffered < this.limits.maxBufferedPoints;
  }

  /** Calls `listener` each time the buffer falls back under `maxBufferedPoints`; returns the unsubscribe. */
  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  stats(): InfluxSinkStats {
    return {
      ...this.counts,
      pointsBuffered: this.pointsBuffered,
      batchesInFlight: this.lanes.filter((lane) => lane.busy).length,
      pointsOverLimit: this.pointsOverLimit,
      reachable: this.reachable,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  private get pointsBuffered(): number {
    let total = 0;
    for (const lane of this.lanes) total += lane.buffered;
    return total;
  }

  /** The lane of a point's series (measurement + tags), so that a series always uses the same lane. */
  private laneOf(point: IPoint): SeriesLane {
    if (this.lanes.length === 1) return this.lanes[0]!;
    let key = point.measurement ?? '';
    const tags = point.tags;
    if (tags) for (const name in tags) key += ',' + name + '=' + tags[name];
    return this.lanes[murmurhash.v3(key) % this.lanes.length]!;
  }

  private laneHost(): SeriesLaneHost {
    const sink = this;
    return {
      name: this.name,
      endpoint: this.endpoint,
      limits: this.limits,
      logger: this.logger,
      counts: this.counts,
      get clock() {
        return sink.clock!;
      },
      get random() {
        return sink.random!;
      },
      canSend: () => this.state === 'open' || this.state === 'closing',
      attempt: (batch) =>
        this.needsDatabase ? this.recreateDatabaseThenWrite(batch) : this.startWrite(batch),
      failed: (failure) => {
        this.lastError = describeWriteFailure(failure);
        if (failure.kind !== 'permanent') this.reachable = false;
        if (failure.kind === 'missing-database') this.needsDatabase = true;
      },
      settled: () => this.onSettled(),
    };
  }

  private startWrite(batch: IPoint[]): Promise<void> {
    try {
      return this.writeBatch(batch).then(() => {
        this.reachable = true;
      });
    } catch (error) {
      return Promise.reject(new PointsRefusedError(error));
    }
  }

  private async recreateDatabaseThenWrite(batch: IPoint[]): Promise<void> {
    await this.ensureDatabase();
    if (this.needsDatabase) {
      this.needsDatabase = false;
      this.logger.warn(
        { sink: this.name, endpoint: this.endpoint },
        `${this.name}: re-created ${this.endpoint}`,
      );
    }
    return this.startWrite(batch);
  }

  private onSettled(): void {
    if (this.full && this.writable) {
      this.full = false;
      this.logger.info({ sink: this.name }, `${this.name}: buffer back under maxBufferedPoints`);
      for (const listener of this.drainListeners) listener();
    }
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => {
      if (!this.reached(waiter.targets)) return true;
      waiter.resolve();
      return false;
    });
  }

  private reached(targets: readonly number[]): boolean {
    return this.lanes.every((lane, i) => lane.settled >= (targets[i] ?? 0));
  }

  private armFlushTimer(): void {
    if (this.state !== 'open' || this.cancelFlushTimer || !this.clock) return;
    this.cancelFlushTimer = this.clock.setTimeout(() => {
      this.cancelFlushTimer = undefined;
      for (const lane of this.lanes) lane.markDue();
    }, this.limits.flushIntervalMs);
  }

  private checkLimit(added: number): void {
    const { maxBufferedPoints } = this.limits;
    const buffered = this.pointsBuffered;
    if (buffered < maxBufferedPoints) return;
    this.pointsOverLimit += Math.max(0, Math.min(added, buffered - maxBufferedPoints));
    if (this.full) return;
    this.full = true;
    this.logger.warn(
      { sink: this.name, endpoint: this.endpoint, buffered, maxBufferedPoints },
      `${this.name}: ${buffered} points wait for ${this.endpoint} (maxBufferedPoints ${maxBufferedPoints}); ` +
        `still accepting more, so memory grows until InfluxDB catches up (last error: ${this.lastError ?? 'none'})`,
    );
  }

  private async shutDown(): Promise<void> {
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    this.stopped.abort();
    try {
      if (wasOpen) await this.flushWithin(this.limits.closeTimeoutMs);
      else if (this.pointsBuffered > 0) throw this.abandon(`${this.name} was closed before it was open`);
    } finally {
      this.cancelFlushTimer?.();
      this.cancelFlushTimer = undefined;
      for (const lane of this.lanes) lane.stopTimers();
      this.state = 'closed';
    }
  }

  private flushWithin(timeoutMs: number): Promise<void> {
    const flushed = this.flush();
    if (!Number.isFinite(timeoutMs)) return flushed;
    return new Promise((resolve, reject) => {
      const cancel = this.clock!.setTimeout(() => {
        reject(this.abandon(`${this.endpoint} did not acknowledge them within ${timeoutMs} ms of close()`));
      }, timeoutMs);
      flushed.then(() => {
        cancel();
        resolve();
      }, reject);
    });
  }

  /** Gives up every unsettled point (counted as dropped), fails pending flushes, returns the error. */
  private abandon(why: string): Error {
    const lost = this.pointsBuffered;
    const error = new Error(
      `${this.name}: gave up ${lost} points: ${why} (last error: ${this.lastError ?? 'none'})`,
    );
    this.logger.error({ sink: this.name, endpoint: this.endpoint, lost }, error.message);
    for (const lane of this.lanes) this.counts.pointsDropped += lane.abandon();
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
    return error;
  }
}
