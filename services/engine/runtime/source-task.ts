import type { Source, SourceContext } from '../api/source.ts';
import { type Cancel, type Clock, every } from '../time/clock.ts';
import { MAX_WATERMARK, MIN_WATERMARK } from '../time/watermark.ts';
import type { WatermarkGenerator } from '../time/watermark-generator.ts';
import type { TimestampAssigner, WatermarkStrategy } from '../time/watermark-strategy.ts';
import type { Downstream } from './output.ts';

export interface SourceMetrics {
  readonly name: string;
  readonly recordsOut: number;
  readonly watermark: number;
  readonly ended: boolean;
}

/**
 * Runs one source: gives each record its event time, feeds the chain, and emits watermarks after
 * every batch and every `emitIntervalMs` (so a quiet stream still advances). Watermarks only grow.
 * A failure anywhere downstream is reported to `onFailure` and stops further records.
 */
export class SourceTask<T> implements SourceContext<T> {
  private readonly assignTimestamp: TimestampAssigner<T>;
  private readonly generator: WatermarkGenerator;
  private watermark = MIN_WATERMARK;
  private recordsOut = 0;
  private ended = false;
  private failed = false;
  private cancelTicker: Cancel = () => {};

  constructor(
    readonly source: Source<T>,
    private readonly strategy: WatermarkStrategy<T>,
    private readonly output: Downstream<T>,
    readonly clock: Clock,
    private readonly onFailure: (error: unknown) => void,
    private readonly onEnd: () => void,
  ) {
    this.assignTimestamp = strategy.timestampAssigner!;
    this.generator = strategy.createGenerator();
  }

  async open(): Promise<void> {
    this.cancelTicker = every(this.clock, this.strategy.emitIntervalMs, () =>
      this.guard(() => this.emitWatermark()),
    );
    await this.source.open(this);
  }

  async close(): Promise<void> {
    this.cancelTicker();
    await this.source.close();
  }

  collect(record: T): void {
    if (this.failed || this.ended) return;
    this.guard(() => {
      this.push(record, this.clock.now());
      this.emitWatermark();
    });
  }

  collectBatch(records: readonly T[]): void {
    if (this.failed || this.ended) return;
    this.guard(() => {
      const now = this.clock.now();
      for (let i = 0; i < records.length; i++) this.push(records[i]!, now);
      this.emitWatermark();
    });
  }

  endOfInput(): void {
    if (this.ended || this.failed) return;
    this.ended = true;
    this.cancelTicker();
    this.guard(() => this.advanceWatermark(MAX_WATERMARK));
    this.onEnd();
  }

  /** Fires every remaining event-time window of this source's chain (drain on stop). */
  drain(): void {
    if (this.failed) return;
    this.guard(() => this.advanceWatermark(MAX_WATERMARK));
  }

  metrics(): SourceMetrics {
    return {
      name: this.source.name,
      recordsOut: this.recordsOut,
      watermark: this.watermark,
      ended: this.ended,
    };
  }

  private push(record: T, now: number): void {
    const timestamp = this.assignTimestamp(record);
    this.generator.onEvent(timestamp, now);
    this.recordsOut++;
    this.output.collect(record, timestamp);
  }

  private emitWatermark(): void {
    if (this.ended) return;
    this.advanceWatermark(this.generator.currentWatermark(this.clock.now()));
  }

  private advanceWatermark(watermark: number): void {
    if (watermark <= this.watermark) return;
    this.watermark = watermark;
    this.output.emitWatermark(watermark);
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.failed = true;
      this.cancelTicker();
      this.onFailure(error);
    }
  }
}
