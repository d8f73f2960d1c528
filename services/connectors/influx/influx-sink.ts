import type { IPoint } from 'influx';
import { EventLoopTurns } from '../../common/event-loop-turns.ts';
import { type Logger, silentLogger } from '../../common/logger.ts';
import { createRandom, type Random } from '../../common/random.ts';
import type { Sink, SinkContext } from '../../engine/api/sink.ts';
import type { Clock } from '../../engine/time/clock.ts';
import { InfluxLink } from './influx-link.ts';
import { InfluxSinkBuffer } from './influx-sink-buffer.ts';
import { type ClosingInfluxSink, settleBeforeClose } from './influx-sink-close.ts';
import {
  DEFAULT_MAX_SPILL_BYTES,
  type InfluxSinkLimits,
  type InfluxSinkOptions,
  type InfluxSinkStats,
  resolveInfluxSinkLimits,
  resolveInfluxWriter,
} from './influx-sink-options.ts';
import { InfluxSinkPressure, type InfluxSinkPressureHost } from './influx-sink-pressure.ts';
import type { InfluxSpill } from './influx-spill.ts';
import type { LaneCounts, SeriesLaneHost } from './series-lane.ts';
import { waitForDatabase } from './wait-for-database.ts';

export type {
  InfluxSinkOptions,
  InfluxSinkStats,
  InfluxSpillStats,
  WritePoints,
} from './influx-sink-options.ts';

/** How the parts of an {@link InfluxSink} (its lanes, backpressure, closing) see it. */
type InfluxSinkHost = SeriesLaneHost & InfluxSinkPressureHost & ClosingInfluxSink;

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
  private readonly counts: LaneCounts = {
    pointsWritten: 0,
    batchesWritten: 0,
    retries: 0,
    pointsDropped: 0,
    batchesDropped: 0,
  };
  private readonly host: InfluxSinkHost;
  /** The series lanes and the spill queue, with the flush timer and the flushes waiting for them. */
  private readonly buffer: InfluxSinkBuffer;
  private readonly pressure: InfluxSinkPressure;
  private readonly stopped = new AbortController();
  private clock: Clock | undefined;
  private random: Random | undefined;
  private state: 'new' | 'opening' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | undefined;

  constructor(private readonly options: InfluxSinkOptions<T>) {
    this.name = options.name ?? 'influx';
    this.limits = resolveInfluxSinkLimits(options);
    this.toPoints = options.toPoints;
    this.logger = options.logger ?? silentLogger;
    const writer = resolveInfluxWriter(options, this.name);
    this.endpoint = writer.endpoint;
    this.link = new InfluxLink(writer, this.logger, this.name, {
      turns: options.serializeInTurns === false ? undefined : new EventLoopTurns(),
    });
    this.ensureDatabase = writer.ensureDatabase;
    this.host = this.createHost();
    this.buffer = new InfluxSinkBuffer(this.host);
    this.pressure = new InfluxSinkPressure(this.host);
  }

  /** Creates the database if missing, waiting (with a log line per attempt) while InfluxDB is unreachable. */
  async open(ctx: SinkContext): Promise<void> {
    if (this.state !== 'new') throw new Error(`${this.name}: open() was already called`);
    this.state = 'opening';
    const clock = this.options.clock ?? ctx.clock;
    const random = this.options.random ?? createRandom(clock.now());
    this.clock = clock;
    this.random = random;
    const { spillDir, maxSpillBytes, spillSegmentBytes } = this.options;
    if (spillDir !== undefined) {
      const maxBytes = maxSpillBytes ?? DEFAULT_MAX_SPILL_BYTES;
      const segment = spillSegmentBytes ? { segmentBytes: spillSegmentBytes } : {};
      await this.buffer.openSpill({ dir: spillDir, maxBytes, ...segment }, () => this.onSettled());
    }
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
    if (this.buffer.buffered > 0) this.buffer.armFlushTimer();
    this.buffer.dispatch();
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
      if (spill.full) this.pressure.spilledOverLimit(points.length);
      spill.append(points);
    } else {
      const buffer = this.buffer;
      buffer.add(points);
      if (!spill) this.pressure.overBuffer(points.length, buffer.buffered);
      else if (buffer.buffered >= this.limits.maxBufferedPoints) {
        void buffer.startSpilling(`${buffer.buffered} points wait (maxBufferedPoints)`).catch(() => {});
      }
      if (this.state === 'open') buffer.armFlushTimer();
    }
    if (!this.pressure.held && !this.writable) this.pressure.hold(this.spill?.stats());
  }

  /** Resolves once every point written before the call is acknowledged (or dropped as documented above). */
  flush(): Promise<void> {
    return this.buffer.flush(this.link.reachable);
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
    return this.pressure.writable(this.buffer.buffered, this.spill);
  }

  /** Calls `listener` each time `writable` turns true again; returns the unsubscribe. */
  onDrain(listener: () => void): () => void {
    return this.pressure.onDrain(listener);
  }

  stats(): InfluxSinkStats {
    return {
      ...this.counts,
      pointsBuffered: this.buffer.buffered,
      batchesInFlight: this.buffer.batchesInFlight,
      pointsOverLimit: this.pressure.pointsOverLimit,
      reachable: this.link.reachable,
      ...(this.link.lastError !== undefined ? { lastError: this.link.lastError } : {}),
      backpressured: this.pressure.held,
      backpressuredMs: this.pressure.heldMs(),
      ...(this.spill ? { spill: this.spill.stats() } : {}),
    };
  }

  private get spill(): InfluxSpill | undefined {
    return this.buffer.spill;
  }

  private createHost(): InfluxSinkHost {
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
      now: () => this.clock?.now() ?? 0,
      reachable: () => this.link.reachable,
      lastError: () => this.link.lastError,
      canSend: () => this.state === 'open' || this.state === 'closing',
      attempt: (batch) => this.link.attempt(batch),
      failed: (failure) => {
        this.link.failed(failure);
        this.buffer.writeFailed(failure);
      },
      settled: () => this.onSettled(),
    };
  }

  private onSettled(): void {
    this.spill?.pump();
    this.pressure.settled(this.buffer.buffered, this.spill);
    this.buffer.settled();
  }

  private async shutDown(): Promise<void> {
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    this.stopped.abort();
    const spill = this.spill;
    try {
      const settling = settleBeforeClose(this.host, this.buffer, wasOpen);
      if (settling) await settling;
    } finally {
      this.buffer.stopTimers();
      await spill?.close();
      this.state = 'closed';
    }
  }
}
