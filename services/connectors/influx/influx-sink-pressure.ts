import type { Logger } from '../../common/logger.ts';
import type { InfluxSinkLimits, InfluxSpillStats } from './influx-sink-options.ts';
import { WritableTracker } from './writable-tracker.ts';

/** What an {@link InfluxSinkPressure} needs from its sink. */
export interface InfluxSinkPressureHost {
  readonly name: string;
  readonly endpoint: string;
  readonly logger: Logger;
  readonly limits: Pick<InfluxSinkLimits, 'maxBufferedPoints'>;
  /** The sink's clock, in ms (0 before it is open). */
  now(): number;
  /** What the last failed contact with InfluxDB said, if any. */
  lastError(): string | undefined;
}

/** The part of the spill queue `writable` depends on. */
export interface SpillFullness {
  readonly spilling: boolean;
  readonly full: boolean;
}

/**
 * An `InfluxSink`'s limits on what it holds: whether it is `writable` (without a spill dir: fewer
 * than `maxBufferedPoints` points wait; with one: the spill queue is not full while spilling), the
 * points accepted over the limit (`pointsOverLimit`), the warnings when a limit is reached (once
 * per stretch), and the backpressure stretches the runtime holds its sources for.
 *
 * @example
 * const pressure = new InfluxSinkPressure({
 *   name: 'influx', endpoint, logger, limits: { maxBufferedPoints: 100_000 },
 *   now: () => clock.now(), lastError: () => link.lastError,
 * });
 * pressure.overBuffer(points.length, pointsBuffered); // after a write without a spill dir
 * if (!pressure.held && !pressure.writable(pointsBuffered, spill)) pressure.hold(spill?.stats());
 * pressure.settled(pointsBuffered, spill);            // whenever points settle: may release
 */
export class InfluxSinkPressure {
  private readonly tracker: WritableTracker;
  private overLimit = 0;
  /** Whether `maxBufferedPoints` was reached (without a spill dir) and not yet left. */
  private full = false;
  /** The spell of spilling (`spills`) whose backpressure was logged. */
  private holdLoggedFor = -1;

  constructor(private readonly host: InfluxSinkPressureHost) {
    this.tracker = new WritableTracker(() => host.now());
  }

  /** Points accepted while more than `maxBufferedPoints` waited, or while the spill queue was full. */
  get pointsOverLimit(): number {
    return this.overLimit;
  }

  /** True while `writable` is false (the runtime holds the sources). */
  get held(): boolean {
    return this.tracker.held;
  }

  /** Total time `writable` was false, the current stretch included. */
  heldMs(): number {
    return this.tracker.heldMs();
  }

  /** Calls `listener` each time `writable` turns true again; returns the unsubscribe. */
  onDrain(listener: () => void): () => void {
    return this.tracker.onDrain(listener);
  }

  /** The sink's `writable`, given the points it holds in memory and its spill queue (if any). */
  writable(pointsBuffered: number, spill: SpillFullness | undefined): boolean {
    if (!spill) return pointsBuffered < this.host.limits.maxBufferedPoints;
    return !(spill.spilling && spill.full);
  }

  /** `count` points were appended to a spill queue that is full. */
  spilledOverLimit(count: number): void {
    this.overLimit += count;
  }

  /**
   * `added` points were buffered in memory (no spill dir) and `buffered` wait now: counts those past
   * `maxBufferedPoints` and warns once when the limit is reached.
   */
  overBuffer(added: number, buffered: number): void {
    const { name, endpoint, logger } = this.host;
    const { maxBufferedPoints } = this.host.limits;
    if (buffered < maxBufferedPoints) return;
    this.overLimit += Math.max(0, Math.min(added, buffered - maxBufferedPoints));
    if (this.full) return;
    this.full = true;
    logger.warn(
      { sink: name, endpoint, buffered, maxBufferedPoints },
      `${name}: ${buffered} points wait for ${endpoint} (maxBufferedPoints ${maxBufferedPoints}); ` +
        'sources that can pause are held, what still arrives is kept in memory (no spill dir) ' +
        `until InfluxDB catches up (last error: ${this.host.lastError() ?? 'none'})`,
    );
  }

  /**
   * `writable` turned false: the runtime holds the sources from now on. `spill` is the spill
   * queue's counters (if any), to warn once per spell of spilling.
   */
  hold(spill: InfluxSpillStats | undefined): void {
    this.tracker.hold();
    // without a spill the buffer warning (overBuffer) said it; with one, once per spell of spilling
    if (!spill || this.holdLoggedFor === spill.spills) return;
    this.holdLoggedFor = spill.spills;
    const { name, endpoint } = this.host;
    const lastError = this.host.lastError() ?? 'none';
    this.host.logger.warn(
      { sink: name, endpoint, spillBytes: spill.bytes, lastError },
      `${name}: the spill queue holds ${spill.bytes} bytes (maxSpillBytes); holding the sources ` +
        `until ${endpoint} takes more (last error: ${lastError})`,
    );
  }

  /** Points settled: notes the buffer back under its limit, and releases the sources once writable. */
  settled(pointsBuffered: number, spill: SpillFullness | undefined): void {
    if (this.full && pointsBuffered < this.host.limits.maxBufferedPoints) {
      this.full = false;
      this.host.logger.info(
        { sink: this.host.name },
        `${this.host.name}: buffer back under maxBufferedPoints`,
      );
    }
    if (this.tracker.held && this.writable(pointsBuffered, spill)) this.tracker.release();
  }
}
