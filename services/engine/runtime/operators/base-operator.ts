import { MIN_WATERMARK } from '../../time/watermark.ts';
import type { Output } from '../output.ts';
import type { OperatorContext, OperatorMetrics, StreamOperator } from '../stream-operator.ts';

/** Plumbing shared by operators: output, counters, watermark forwarding. */
export abstract class BaseOperator<IN, OUT> implements StreamOperator<IN, OUT> {
  protected output!: Output<OUT>;
  protected context!: OperatorContext;
  protected recordsIn = 0;
  protected recordsOut = 0;
  protected watermark = MIN_WATERMARK;

  constructor(readonly name: string) {}

  open(ctx: OperatorContext, output: Output<OUT>): Promise<void> | void {
    this.context = ctx;
    this.output = output;
  }

  abstract processElement(value: IN, timestamp: number): void;

  processWatermark(watermark: number): void {
    this.watermark = watermark;
    this.output.emitWatermark(watermark);
  }

  close(): Promise<void> | void {}

  metrics(): OperatorMetrics {
    return {
      name: this.name,
      recordsIn: this.recordsIn,
      recordsOut: this.recordsOut,
      watermark: this.watermark,
    };
  }

  protected emit(value: OUT, timestamp: number): void {
    this.recordsOut++;
    this.output.collect(value, timestamp);
  }
}
