import type { IPoint } from 'influx';
import type { Cancel } from '../../engine/time/clock.ts';
import { FlushWaiters } from './flush-waiters.ts';
import { InfluxSpill, type InfluxSpillOptions } from './influx-spill.ts';
import type { WriteFailure } from './influx-write-failure.ts';
import { laneIndex, SeriesLane, type SeriesLaneHost } from './series-lane.ts';

/**
 * Where the points of an `InfluxSink` wait until InfluxDB takes them: its `maxInFlight` series
 * lanes in memory (a point goes to the lane of its series, see {@link laneIndex}), with the flush
 * timer that makes waiting points due after `flushIntervalMs`; with a spill dir, the disk queue
 * ({@link InfluxSpill}) they go to while spilling; and the `flush()` calls waiting for them.
 *
 * @example
 * const buffer = new InfluxSinkBuffer(laneHost); // laneHost.limits.maxInFlight lanes
 * await buffer.openSpill({ dir, maxBytes: 1024 ** 3 }, onChange); // with a spill dir only
 * buffer.add(points);
 * buffer.armFlushTimer();              // once the sink is open
 * await buffer.flush(link.reachable); // resolves as laneHost.settled() calls buffer.settled()
 */
export class InfluxSinkBuffer {
  readonly lanes: readonly SeriesLane[];
  private readonly waiters = new FlushWaiters();
  private cancelFlushTimer: Cancel | undefined;
  private queue: InfluxSpill | undefined;

  constructor(private readonly host: SeriesLaneHost) {
    this.lanes = Array.from({ length: host.limits.maxInFlight }, () => new SeriesLane(host));
  }

  /** The disk queue, once {@link openSpill} opened it. */
  get spill(): InfluxSpill | undefined {
    return this.queue;
  }

  /** Points accepted and not yet settled (waiting or in flight), the spill's drain lane included. */
  get buffered(): number {
    let total = this.spill?.drainLane.buffered ?? 0;
    for (const lane of this.lanes) total += lane.buffered;
    return total;
  }

  /** Lanes with a batch on its way or waiting for its retry. */
  get batchesInFlight(): number {
    return this.lanes.filter((lane) => lane.busy).length;
  }

  /** Opens the disk queue in `options.dir` (with what a previous process left there). */
  async openSpill(options: InfluxSpillOptions, changed: () => void): Promise<void> {
    const host = this.host;
    const { name, logger, limits } = host;
    this.queue = await InfluxSpill.open(options, {
      name,
      logger,
      limits,
      lanes: this.lanes,
      laneHost: host,
      changed,
    });
  }

  /** Adds each point to the lane of its series. */
  add(points: readonly IPoint[]): void {
    const lanes = this.lanes;
    for (const point of points) lanes[laneIndex(point, lanes.length)]!.add(point);
  }

  /** Lets every lane send its next batch if one is full or due. */
  dispatch(): void {
    for (const lane of this.lanes) lane.dispatch();
  }

  /**
   * Resolves once every point accepted so far is acknowledged or dropped, or, with a spill dir,
   * fsynced in the spill queue: while spilling, and when InfluxDB is not `reachable` (what waits is
   * spilled then). Rejects with the spill queue's failure, or see {@link abandon}.
   */
  flush(reachable: boolean): Promise<void> {
    const spill = this.spill;
    if (spill?.failure) return Promise.reject(spill.failure);
    if (spill?.spilling) return spill.sync();
    if (spill && !reachable && this.buffered > 0) {
      return this.startSpilling('a flush waits while InfluxDB is unreachable');
    }
    const targets = this.lanes.map((lane) => lane.markDue());
    if (this.reached(targets)) return Promise.resolve();
    return this.waiters.wait(targets);
  }

  /**
   * Spills what waits and makes new points follow it (see {@link InfluxSpill}); the flushes waiting
   * now resolve once it is fsynced. Returns that. Needs the spill ({@link openSpill}).
   */
  startSpilling(reason: string): Promise<void> {
    const synced = this.spill!.start(reason);
    this.waiters.handOver(synced);
    this.spill!.pump();
    return synced;
  }

  /** A write failed: with a spill dir, a flush that waits meanwhile starts spilling (unless the failure is permanent). */
  writeFailed(failure: WriteFailure): void {
    if (this.spill && !this.spill.spilling && this.waiters.size > 0 && failure.kind !== 'permanent') {
      void this.startSpilling('a flush waits while InfluxDB fails').catch(() => {});
    }
  }

  /** Points settled: resolves the flushes whose points all did. */
  settled(): void {
    this.waiters.settle((targets) => this.reached(targets));
  }

  /** Makes what waits due in `flushIntervalMs` (on the host's clock), unless a timer runs already. */
  armFlushTimer(): void {
    if (this.cancelFlushTimer) return;
    this.cancelFlushTimer = this.host.clock.setTimeout(() => {
      this.cancelFlushTimer = undefined;
      for (const lane of this.lanes) lane.markDue();
    }, this.host.limits.flushIntervalMs);
  }

  /** Cancels the flush timer and every lane's retry timer (unsettled points stay). */
  stopTimers(): void {
    this.cancelFlushTimer?.();
    this.cancelFlushTimer = undefined;
    for (const lane of this.lanes) lane.stopTimers();
  }

  /** Gives up the lanes' unsettled points (counted as dropped) and rejects the waiting flushes with `error`. */
  abandon(error: Error): void {
    for (const lane of this.lanes) this.host.counts.pointsDropped += lane.abandon();
    this.waiters.rejectAll(error);
  }

  private reached(targets: readonly number[]): boolean {
    return this.lanes.every((lane, i) => lane.settled >= (targets[i] ?? 0));
  }
}
