import { BoundedOutOfOrderness } from './bounded-out-of-orderness.ts';
import type { WatermarkGenerator } from './watermark-generator.ts';

export type TimestampAssigner<T> = (record: T) => number;

/**
 * How a source's records get event time and watermarks (Flink's `WatermarkStrategy`). Immutable:
 * each `with…` returns a new strategy.
 *
 * @example
 * WatermarkStrategy.forBoundedOutOfOrderness<Reading>(2_000)
 *   .withTimestampAssigner((r) => r.ts)
 *   .withQuietPeriod(5_000);
 */
export class WatermarkStrategy<T> {
  private constructor(
    readonly boundMs: number,
    readonly timestampAssigner: TimestampAssigner<T> | undefined,
    readonly quietPeriodMs: number | undefined,
    /** How often the runtime asks the generator for a watermark when no record arrives. */
    readonly emitIntervalMs: number,
    /** After this long without a record the source is idle: it stops holding back downstream watermarks. */
    readonly idleTimeoutMs?: number,
  ) {}

  static forBoundedOutOfOrderness<T>(boundMs: number): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(boundMs, undefined, undefined, 200);
  }

  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return WatermarkStrategy.forBoundedOutOfOrderness<T>(0);
  }

  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy(
      this.boundMs,
      assigner,
      this.quietPeriodMs,
      this.emitIntervalMs,
      this.idleTimeoutMs,
    );
  }

  /** After `ms` with no record at all, event time advances with processing time. */
  withQuietPeriod(ms: number): WatermarkStrategy<T> {
    return new WatermarkStrategy(
      this.boundMs,
      this.timestampAssigner,
      ms,
      this.emitIntervalMs,
      this.idleTimeoutMs,
    );
  }

  withEmitInterval(ms: number): WatermarkStrategy<T> {
    if (!(ms > 0)) throw new RangeError(`watermark emit interval must be > 0 ms, got ${ms}`);
    return new WatermarkStrategy(
      this.boundMs,
      this.timestampAssigner,
      this.quietPeriodMs,
      ms,
      this.idleTimeoutMs,
    );
  }

  /**
   * Flink's `withIdleness`: a source (or split) that sees no record for `ms` of processing time is
   * marked idle, and the tasks it feeds stop waiting for its watermark (their watermark is the
   * minimum over their *active* inputs) until it has records again. Only matters where a task has
   * several inputs, i.e. at parallelism > 1 with parallel sources.
   */
  withIdleness(ms: number): WatermarkStrategy<T> {
    if (!(ms > 0)) throw new RangeError(`idle timeout must be > 0 ms, got ${ms}`);
    return new WatermarkStrategy(
      this.boundMs,
      this.timestampAssigner,
      this.quietPeriodMs,
      this.emitIntervalMs,
      ms,
    );
  }

  createGenerator(): WatermarkGenerator {
    return new BoundedOutOfOrderness(this.boundMs, this.quietPeriodMs);
  }
}
