import type { IPoint } from 'influx';
import { type Logger, silentLogger } from '../../common/logger.ts';
import { createRandom, type Random } from '../../common/random.ts';
import type { Sink, SinkContext } from '../../engine/api/sink.ts';
import type { Cancel, Clock } from '../../engine/time/clock.ts';
import { FlushWaiters } from './flush-waiters.ts';
import { InfluxLink } from './influx-link.ts';
import {
  DEFAULT_MAX_SPILL_BYTES,
  type InfluxSinkLimits,
  type InfluxSinkOptions,
  type InfluxSinkStats,
  resolveInfluxSinkLimits,
  resolveInfluxWriter,
} from './influx-sink-options.ts';
import { InfluxSpill } from './influx-spill.ts';
import { type LaneCounts, laneIndex, SeriesLane, type SeriesLaneHost } from './series-lane.ts';
import { waitForDatabase } from './wait-for-database.ts';
import { WritableTracker } from './writable-tracker.ts';

export type {
  InfluxSinkOptions,
  InfluxSinkStats,
  InfluxSpillStats,
  WritePoints,
} from './influx-sink-options.ts';

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
 * Design note on memory: `write()` never refuses a record. With a `spillDir` (see
 * {@link InfluxSpill}), the sink spills to a disk queue once `maxBufferedPoints` points wait, or
 * once a flush waits while InfluxDB fails: everything waiting goes to the queue, new points follow
 * it until it is written back, oldest first. A flush then resolves once its points are fsynced in
 * the queue, so a checkpoint completes during an outage and a crash replays the queue at the next
 * start (duplicates are only rewrites of the same series and timestamp). {@link writable} turns
 * false once the queue holds `maxSpillBytes` (without a spill dir: once `maxBufferedPoints` points
 * wait); the runtime then holds its sources until {@link onDrain}. What still arrives meanwhile is
 * accepted (counted in `pointsOverLimit`).
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
  private readonly link: InfluxLink;
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
  private readonly pressure = new WritableTracker(() => this.clock?.now() ?? 0);
  private readonly stopped = new AbortController();
  private readonly waiters = new FlushWaiters();
  private clock: Clock | undefined;
  private random: Random | undefined;
  private state: 'new' | 'opening' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | undefined;
  private full = false;
  private spill: InfluxSpill | undefined;
  private cancelFlushTimer: Cancel | undefined;
  private pointsOverLimit = 0;
  /** The spell of spilling (`spills`) whose backpressure was logged. */
  private holdLoggedFor = -1;

  constructor(private readonly options: InfluxSinkOptions<T>) {
    this.name = options.name ?? 'influx';
    this.limits = resolveInfluxSinkLimits(options);
    this.toPoints = options.toPoints;
    this.logger = options.logger ?? silentLogger;
    const writer = resolveInfluxWriter(options, this.name);
    this.endpoint = writer.endpoint;
    this.link = new InfluxLink(writer, this.logger, this.name);
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
    if (this.options.spillDir !== undefined) await this.openSpill(this.options.spillDir);
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
        this.link.lastError = description;
      },
    });
    if (this.state !== 'opening') throw new Error(`${this.name}: closed while waiting for ${this.endpoint}`);
    this.state = 'open';
    this.link.reachable = true;
    if (this.pointsBuffered > 0) this.armFlushTimer();
    for (const lane of this.lanes) lane.dispatch();
    this.spill?.pump();
  }

  write(record: T, timestamp: number): void {
    if (this.state === 'closing' || this.state === 'closed') {
      throw new Error(`${this.name}: write() after close(); the record was not written`);
    }
    const points = this.toPoints(record, timestamp);
    if (points.length === 0) return;
    const spill = this.spill;
    if (spill?.spilling) {
      if (spill.full) this.pointsOverLimit += points.length;
      spill.append(points);
    } else {
      const lanes = this.lanes;
      for (const point of points) lanes[laneIndex(point, lanes.length)]!.add(point);
      if (!spill) this.checkLimit(points.length);
      else if (this.pointsBuffered >= this.limits.maxBufferedPoints) {
        void this.startSpilling(`${this.pointsBuffered} points wait (maxBufferedPoints)`).catch(() => {});
      }
      this.armFlushTimer();
    }
    if (!this.pressure.held && !this.writable) this.hold();
  }

  /** Resolves once every point written before the call is acknowledged (or dropped as documented above). */
  flush(): Promise<void> {
    const spill = this.spill;
    if (spill?.failure) return Promise.reject(spill.failure);
    if (spill?.spilling) return spill.sync();
    if (spill && !this.link.reachable && this.pointsBuffered > 0) {
      return this.startSpilling('a flush waits while InfluxDB is unreachable');
    }
    const targets = this.lanes.map((lane) => lane.markDue());
    if (this.reached(targets)) return Promise.resolve();
    return this.waiters.wait(targets);
  }

  /** Flushes (for at most `closeTimeoutMs`, then gives up the rest and rejects) and stops every timer. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /**
   * False while the sink wants no more records: the spill queue holds `maxSpillBytes` (without a
   * spill dir: `maxBufferedPoints` points wait). The runtime holds its sources meanwhile.
   */
  get writable(): boolean {
    const spill = this.spill;
    if (!spill) return this.pointsBuffered < this.limits.maxBufferedPoints;
    return !(spill.spilling && spill.full);
  }

  /** Calls `listener` each time `writable` turns true again; returns the unsubscribe. */
  onDrain(listener: () => void): () => void {
    return this.pressure.onDrain(listener);
  }

  stats(): InfluxSinkStats {
    return {
      ...this.counts,
      pointsBuffered: this.pointsBuffered,
      batchesInFlight: this.lanes.filter((lane) => lane.busy).length,
      pointsOverLimit: this.pointsOverLimit,
      reachable: this.link.reachable,
      ...(this.link.lastError !== undefined ? { lastError: this.link.lastError } : {}),
      backpressured: this.pressure.held,
      backpressuredMs: this.pressure.heldMs(),
      ...(this.spill ? { spill: this.spill.stats() } : {}),
    };
  }

  private get pointsBuffered(): number {
    let total = this.spill?.drainLane.buffered ?? 0;
    for (const lane of this.lanes) total += lane.buffered;
    return total;
  }

  private async openSpill(dir: string): Promise<void> {
    this.spill = await InfluxSpill.open(
      {
        dir,
        maxBytes: this.options.maxSpillBytes ?? DEFAULT_MAX_SPILL_BYTES,
        ...(this.options.spillSegmentBytes ? { segmentBytes: this.options.spillSegmentBytes } : {}),
      },
      {
        name: this.name,
        logger: this.logger,
        limits: this.limits,
        lanes: this.lanes,
        laneHost: this.laneHost(),
        changed: () => this.onSettled(),
      },
    );
  }

  /**
   * Spills what waits and makes new points follow it (see {@link InfluxSpill}); the flushes waiting
   * now resolve once it is fsynced. Returns that.
   */
  private startSpilling(reason: string): Promise<void> {
    const synced = this.spill!.start(reason);
    this.waiters.handOver(synced);
    this.spill!.pump();
    return synced;
  }

  /** `writable` turned false: the runtime holds the sources from now on. */
  private hold(): void {
    this.pressure.hold();
    const spill = this.spill?.stats();
    // without a spill the buffer warning (checkLimit) said it; with one, once per spell of spilling
    if (!spill || this.holdLoggedFor === spill.spills) return;
    this.holdLoggedFor = spill.spills;
    const lastError = this.link.lastError ?? 'none';
    this.logger.warn(
      { sink: this.name, endpoint: this.endpoint, spillBytes: spill.bytes, lastError },
      `${this.name}: the spill queue holds ${spill.bytes} bytes (maxSpillBytes); holding the sources ` +
        `until ${this.endpoint} takes more (last error: ${lastError})`,
    );
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
      attempt: (batch) => this.link.attempt(batch),
      failed: (failure) => {
        this.link.failed(failure);
        if (this.spill && !this.spill.spilling && this.waiters.size > 0 && failure.kind !== 'permanent') {
          void this.startSpilling('a flush waits while InfluxDB fails').catch(() => {});
        }
      },
      settled: () => this.onSettled(),
    };
  }

  private onSettled(): void {
    this.spill?.pump();
    if (this.full && this.pointsBuffered < this.limits.maxBufferedPoints) {
      this.full = false;
      this.logger.info({ sink: this.name }, `${this.name}: buffer back under maxBufferedPoints`);
    }
    if (this.pressure.held && this.writable) this.pressure.release();
    this.waiters.settle((targets) => this.reached(targets));
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
        'sources that can pause are held, what still arrives is kept in memory (no spill dir) ' +
        `until InfluxDB catches up (last error: ${this.link.lastError ?? 'none'})`,
    );
  }

  private async shutDown(): Promise<void> {
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    this.stopped.abort();
    const spill = this.spill;
    try {
      if (spill && !spill.spilling && (!wasOpen || !this.link.reachable) && this.pointsBuffered > 0) {
        await this.startSpilling(
          wasOpen ? 'closing while InfluxDB is unreachable' : 'closed before it was open',
        );
      } else if (wasOpen) await this.flushWithin(this.limits.closeTimeoutMs);
      else if (this.pointsBuffered > 0) throw this.abandon(`${this.name} was closed before it was open`);
    } finally {
      this.cancelFlushTimer?.();
      this.cancelFlushTimer = undefined;
      for (const lane of this.lanes) lane.stopTimers();
      await spill?.close();
      this.state = 'closed';
    }
  }

  private flushWithin(timeoutMs: number): Promise<void> {
    const flushed = this.flush();
    if (!Number.isFinite(timeoutMs)) return flushed;
    return new Promise((resolve, reject) => {
      const cancel = this.clock!.setTimeout(() => {
        if (this.spill)
          this.startSpilling(`not acknowledged within ${timeoutMs} ms of close()`).then(resolve, reject);
        else
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
      `${this.name}: gave up ${lost} points: ${why} (last error: ${this.link.lastError ?? 'none'})`,
    );
    this.logger.error({ sink: this.name, endpoint: this.endpoint, lost }, error.message);
    for (const lane of this.lanes) this.counts.pointsDropped += lane.abandon();
    this.waiters.rejectAll(error);
    return error;
  }
}
