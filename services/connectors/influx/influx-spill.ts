import type { IPoint } from 'influx';
import type { Logger } from '../../common/logger.ts';
import type { InfluxSinkLimits, InfluxSpillStats } from './influx-sink-options.ts';
import { SeriesLane, type SeriesLaneHost } from './series-lane.ts';
import { SpillQueue } from './spill-queue.ts';

/** What an {@link InfluxSpill} needs from its sink. */
export interface InfluxSpillHost {
  readonly name: string;
  readonly logger: Logger;
  readonly limits: InfluxSinkLimits;
  /** The sink's series lanes: handed over when spilling starts; draining waits until none is busy. */
  readonly lanes: readonly SeriesLane[];
  /** How the drain lane writes (the sink's lane host: same retries, counters and failures). */
  readonly laneHost: SeriesLaneHost;
  /** Something the sink's `writable` depends on changed (bytes left the queue, spilling ended). */
  changed(): void;
}

/** Where and how much to spill. */
export interface InfluxSpillOptions {
  readonly dir: string;
  readonly maxBytes: number;
  readonly segmentBytes?: number;
}

/**
 * The disk side of an `InfluxSink`: while {@link spilling}, every new point is appended to a
 * {@link SpillQueue} instead of the series lanes, so the order of every series holds: what waited
 * in the lanes when spilling started went to the queue first (a copy of each batch on its way too),
 * and the queue is written back oldest first, through one drain lane that sends one batch at a
 * time and retries it with the sink's backoff. The drain starts once no lane has a batch on its
 * way (so an older write can never land after a newer one), reads one segment at a time, deletes a
 * segment once all its points are acknowledged (a crash in between writes them again: the same
 * series and timestamps, an idempotent overwrite), and ends spilling when the queue is empty.
 * Segments left by a previous process are found at open and written first.
 *
 * @example
 * const spill = await InfluxSpill.open({ dir, maxBytes: 1024 ** 3 }, host);
 * await spill.start('buffer full'); // lanes handed over, fsynced
 * spill.append(points);              // while spill.spilling
 * spill.pump();                      // whenever a lane settles: feeds the drain lane
 */
export class InfluxSpill {
  readonly drainLane: SeriesLane;
  /** New points go to the queue while true. */
  spilling: boolean;
  /** Set when the queue failed (disk full, damaged segment): flushes reject with it. */
  failure: Error | undefined;
  private readonly fed: { readonly id: number; readonly target: number }[] = [];
  private reading = false;
  private closed = false;
  private pointsSpilled = 0;
  private bytesSpilled = 0;
  private spills = 0;
  private drainedPoints = 0;

  private constructor(
    private readonly queue: SpillQueue,
    private readonly host: InfluxSpillHost,
  ) {
    this.drainLane = new SeriesLane(host.laneHost);
    this.spilling = queue.segmentCount > 0;
    if (this.spilling) {
      host.logger.info(
        { sink: host.name, dir: queue.dir, bytes: queue.bytes, segments: queue.segmentCount },
        `${host.name}: ${queue.bytes} bytes were spilled to ${queue.dir} before the last stop; ` +
          'writing them to InfluxDB before any new point',
      );
    }
  }

  /** Opens the queue in `options.dir`, with what a previous process left there. */
  static async open(options: InfluxSpillOptions, host: InfluxSpillHost): Promise<InfluxSpill> {
    let spill: InfluxSpill | undefined;
    const queue = await SpillQueue.open({
      ...options,
      name: host.name,
      logger: host.logger,
      onChange: () => spill?.host.changed(),
    });
    spill = new InfluxSpill(queue, host);
    return spill;
  }

  /** Whether the queue reached `maxBytes` (or too much waits to be written): backpressure. */
  get full(): boolean {
    return this.queue.full;
  }

  /** Starts spilling (no-op if it has): hands the lanes' points over; resolves once they are fsynced. */
  start(reason: string): Promise<void> {
    if (!this.spilling) {
      this.spilling = true;
      this.spills++;
      const handed = this.host.lanes.flatMap((lane) => lane.handOver());
      if (handed.length > 0) this.append(handed);
      this.host.logger.warn(
        { sink: this.host.name, dir: this.queue.dir, handedOver: handed.length, reason },
        `${this.host.name}: spilling to ${this.queue.dir} (${reason}); the ${handed.length} points ` +
          'waiting in memory went there first, new points follow until InfluxDB took them all',
      );
    }
    return this.sync();
  }

  /** Appends `points` (the sink is {@link spilling}). */
  append(points: readonly IPoint[]): void {
    this.bytesSpilled += this.queue.append(points);
    this.pointsSpilled += points.length;
  }

  /** Resolves once every point appended so far is fsynced (or rejects with the queue's failure). */
  sync(): Promise<void> {
    return this.queue.sync().catch((error: unknown) => {
      throw this.fail(error);
    });
  }

  /**
   * Moves the drain on: deletes the segments whose points are all acknowledged, reads the next
   * segment once the drain lane runs low and no lane has a batch on its way, ends spilling once
   * the queue is empty. Called whenever points settle and when the queue changed.
   */
  pump(): void {
    const lane = this.drainLane;
    while (this.fed[0] && lane.settled >= this.fed[0].target) {
      const { id } = this.fed.shift()!;
      this.queue.remove(id).catch((error: unknown) => this.fail(error));
    }
    if (!this.spilling || this.reading || this.closed || this.failure) return;
    if (!this.host.laneHost.canSend() || this.host.lanes.some((l) => l.busy)) return;
    if (lane.buffered >= this.host.limits.batchSize) return;
    if (this.queue.hasUnread) {
      this.reading = true;
      this.queue.readOldest().then(
        (segment) => {
          this.reading = false;
          if (segment) {
            for (const point of segment.points) lane.add(point);
            this.drainedPoints += segment.points.length;
            this.fed.push({ id: segment.id, target: lane.markDue() });
          }
          this.pump();
        },
        (error: unknown) => {
          this.reading = false;
          this.fail(error);
        },
      );
      return;
    }
    if (lane.buffered === 0 && this.fed.length === 0) this.finish();
  }

  stats(): InfluxSpillStats {
    return {
      spilling: this.spilling,
      pointsSpilled: this.pointsSpilled,
      bytesSpilled: this.bytesSpilled,
      bytes: this.queue.bytes,
      segments: this.queue.segmentCount,
      spills: this.spills,
    };
  }

  /** Stops draining, writes and fsyncs what was appended; the segments left stay for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.drainLane.stopTimers();
    await this.queue.close();
    if (this.queue.segmentCount > 0) {
      this.host.logger.info(
        { sink: this.host.name, dir: this.queue.dir, bytes: this.queue.bytes },
        `${this.host.name}: ${this.queue.bytes} spilled bytes stay in ${this.queue.dir}; ` +
          'they are written to InfluxDB at the next start',
      );
    }
  }

  private finish(): void {
    this.spilling = false;
    this.host.logger.info(
      { sink: this.host.name, dir: this.queue.dir, points: this.drainedPoints, spilled: this.pointsSpilled },
      `${this.host.name}: the spill queue is drained (${this.drainedPoints} points written back to InfluxDB); ` +
        'new points go straight to InfluxDB again',
    );
    this.drainedPoints = 0;
    this.host.changed();
  }

  private fail(error: unknown): Error {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.failure ??= failure;
    return failure;
  }
}
