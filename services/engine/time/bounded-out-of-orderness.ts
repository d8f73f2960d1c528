import { MIN_WATERMARK } from './watermark.ts';
import type { WatermarkGenerator } from './watermark-generator.ts';

/**
 * Flink's bounded-out-of-orderness watermarks: `max timestamp seen - bound - 1`, so a record at most
 * `bound` ms older than the newest one is never late.
 *
 * Beyond Flink, a quiet period: when no record arrives for `quietPeriodMs` of processing time, event
 * time is taken to move on with processing time (`+ time since the last record`). IoT streams stop
 * (a fleet goes offline, a test publishes its last reading) and users expect the last windows to
 * close then, not when the next reading arrives.
 *
 * @example
 * const g = new BoundedOutOfOrderness(2_000, 5_000);
 * g.onEvent(10_000, 0);
 * g.currentWatermark(0);     // 7_999
 * g.currentWatermark(4_999); // 7_999 (still within the quiet period)
 * g.currentWatermark(6_000); // 13_999 (quiet: event time follows processing time)
 */
export class BoundedOutOfOrderness implements WatermarkGenerator {
  private maxTimestamp = Number.NEGATIVE_INFINITY;
  private lastEventAt = Number.NaN;

  constructor(
    private readonly boundMs: number,
    private readonly quietPeriodMs?: number,
  ) {
    if (!(boundMs >= 0)) throw new RangeError(`out-of-orderness bound must be >= 0 ms, got ${boundMs}`);
    if (quietPeriodMs !== undefined && !(quietPeriodMs > 0)) {
      throw new RangeError(`quiet period must be > 0 ms, got ${quietPeriodMs}`);
    }
  }

  onEvent(timestamp: number, now: number): void {
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    this.lastEventAt = now;
  }

  currentWatermark(now: number): number {
    if (this.maxTimestamp === Number.NEGATIVE_INFINITY) return MIN_WATERMARK;
    const watermark = this.maxTimestamp - this.boundMs - 1;
    const silentFor = now - this.lastEventAt;
    if (this.quietPeriodMs !== undefined && silentFor >= this.quietPeriodMs) return watermark + silentFor;
    return watermark;
  }
}
