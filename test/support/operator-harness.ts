import type { Output } from '../../services/engine/runtime/output.ts';
import type { StreamOperator } from '../../services/engine/runtime/stream-operator.ts';
import { type Clock, ManualClock } from '../../services/engine/time/clock.ts';

/** One thing an operator emitted, in order: a record with its timestamp, a watermark, or a side-output record. */
export type Emitted<T> =
  | { record: T; timestamp: number }
  | { watermark: number }
  | { side: string; record: unknown; timestamp: number };

/**
 * Drives one operator by hand, as Flink's operator test harnesses do: feed records and
 * watermarks in a script, then check the whole output, watermarks included.
 */
export class OperatorHarness<IN, OUT> {
  readonly output: Emitted<OUT>[] = [];
  readonly clock: Clock;

  constructor(
    readonly operator: StreamOperator<IN, OUT>,
    options: { clock?: Clock; maxParallelism?: number } = {},
  ) {
    this.clock = options.clock ?? new ManualClock(0);
    const sink: Output<OUT> = {
      collect: (record, timestamp) => this.output.push({ record, timestamp }),
      emitWatermark: (watermark) => this.output.push({ watermark }),
      sideOutput: (tag, record, timestamp) => this.output.push({ side: tag.id, record, timestamp }),
    };
    void operator.open({ clock: this.clock, maxParallelism: options.maxParallelism ?? 128 }, sink);
  }

  element(value: IN, timestamp: number): this {
    this.operator.processElement(value, timestamp);
    return this;
  }

  watermark(watermark: number): this {
    this.operator.processWatermark(watermark);
    return this;
  }

  /** The output so far, then clears it. */
  take(): Emitted<OUT>[] {
    return this.output.splice(0, this.output.length);
  }
}
