import type { Sink } from '../../api/sink.ts';
import type { FlushesOnCheckpoint } from '../../checkpoint/checkpointed.ts';
import { OutputAvailability } from '../channels/output-availability.ts';
import type { Output } from '../output.ts';
import type { OperatorContext } from '../stream-operator.ts';
import { BaseOperator } from './base-operator.ts';

/**
 * The end of a chain: hands records to a {@link Sink}. The job opens, flushes and closes the sink.
 * At a checkpoint it flushes (`prepareCheckpoint`): the checkpoint completes only once everything
 * written before its barrier is durable, so the results a restored job computes again overwrite
 * durable ones instead of filling a gap.
 *
 * Backpressure: a sink with `writable` / `onDrain` blocks {@link availability} when a write leaves
 * it not writable, and unblocks it on its drain; the runtime holds the sources feeding this chain
 * while it is blocked (at parallelism 1 every source; at parallelism > 1 the task whose chain this
 * is stops taking batches, so credit stops and the producers pause).
 */
export class SinkOperator<T> extends BaseOperator<T, never> implements FlushesOnCheckpoint {
  /** Blocked while the sink is not writable. */
  readonly availability = new OutputAvailability();
  private readonly watchesWritable: boolean;
  private blocked = false;
  private stopWatching: (() => void) | undefined;

  constructor(readonly sink: Sink<T>) {
    super(sink.name);
    this.watchesWritable = typeof sink.onDrain === 'function';
  }

  override async open(ctx: OperatorContext, output: Output<never>): Promise<void> {
    super.open(ctx, output);
    await this.sink.open({ clock: ctx.clock });
    this.stopWatching = this.sink.onDrain?.(() => {
      if (!this.blocked || this.sink.writable === false) return;
      this.blocked = false;
      this.availability.unblock();
    });
  }

  processElement(value: T, timestamp: number): void {
    this.recordsIn++;
    this.sink.write(value, timestamp);
    if (this.watchesWritable && !this.blocked && this.sink.writable === false) {
      this.blocked = true;
      this.availability.block();
    }
  }

  override processWatermark(watermark: number): void {
    this.watermark = watermark;
  }

  /** Called right after the checkpoint's snapshot, before any later record: flushes what was written. */
  prepareCheckpoint(_checkpointId: number): Promise<void> {
    return this.sink.flush();
  }

  override async close(): Promise<void> {
    this.stopWatching?.();
    await this.sink.close();
  }
}
