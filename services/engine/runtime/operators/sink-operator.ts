import type { Sink } from '../../api/sink.ts';
import type { FlushesOnCheckpoint } from '../../checkpoint/checkpointed.ts';
import type { Output } from '../output.ts';
import type { OperatorContext } from '../stream-operator.ts';
import { BaseOperator } from './base-operator.ts';

/**
 * The end of a chain: hands records to a {@link Sink}. The job opens, flushes and closes the sink.
 * At a checkpoint it flushes (`prepareCheckpoint`): the checkpoint completes only once everything
 * written before its barrier is durable, so the results a restored job computes again overwrite
 * durable ones instead of filling a gap.
 */
export class SinkOperator<T> extends BaseOperator<T, never> implements FlushesOnCheckpoint {
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

  /** Called right after the checkpoint's snapshot, before any later record: flushes what was written. */
  prepareCheckpoint(_checkpointId: number): Promise<void> {
    return this.sink.flush();
  }

  override async close(): Promise<void> {
    await this.sink.close();
  }
}
