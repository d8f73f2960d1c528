import type { Sink } from '../../api/sink.ts';
import type { Output } from '../output.ts';
import type { OperatorContext } from '../stream-operator.ts';
import { BaseOperator } from './base-operator.ts';

/** The end of a chain: hands records to a {@link Sink}. The job opens, flushes and closes the sink. */
export class SinkOperator<T> extends BaseOperator<T, never> {
  constructor(readonly sink: Sink<T>) {
    super(sink.name);
  }

  override async open(ctx: OperatorContext, output: Output<never>): Promise<void> {
    super.open(ctx, output);
    await this.sink.open({ clock: ctx.clock });
  }

  processElement(value: T, timestamp: number): void {
    this.recordsIn++;
    this.sink.write(value, timestamp);
  }

  override processWatermark(watermark: number): void {
    this.watermark = watermark;
  }

  override async close(): Promise<void> {
    await this.sink.close();
  }
}
