import { ReducingStateDescriptor } from '../../state/state-descriptors.ts';
import { requirePositiveCount } from '../evictors/evictor.ts';
import type { TimeWindow } from '../time-window.ts';
import {
  fullContext,
  type OnMergeContext,
  type Trigger,
  type TriggerContext,
  TriggerResult,
} from './trigger.ts';

/** The count of records since the last firing, per key and window (summed when windows merge). */
const COUNT = new ReducingStateDescriptor<number>('count-trigger.count', (a, b) => a + b);

/**
 * Fires a window every `n` records (Flink's `CountTrigger`). The count lives in window state reached
 * through the context, so it is checkpointed and merged with the window. It never fires on time:
 * use it with `GlobalWindows` (see `countWindow`), or to get early results of long windows.
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(CountTrigger.of(10)); // fires at 10, 20, 30… records
 */
export class CountTrigger<T> implements Trigger<T> {
  private constructor(readonly maxCount: number) {}

  static of<T>(n: number): CountTrigger<T> {
    return new CountTrigger<T>(requirePositiveCount(n, 'CountTrigger.of'));
  }

  onElement(_element: T, _timestamp: number, _window: TimeWindow, ctx: TriggerContext): TriggerResult {
    const count = fullContext(ctx, 'CountTrigger').getPartitionedState(COUNT);
    count.add(1);
    if ((count.get() ?? 0) < this.maxCount) return TriggerResult.CONTINUE;
    count.clear();
    return TriggerResult.FIRE;
  }

  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  clear(_window: TimeWindow, ctx: TriggerContext): void {
    fullContext(ctx, 'CountTrigger').getPartitionedState(COUNT).clear();
  }

  canMerge(): boolean {
    return true;
  }

  /** Sums the merged windows' counts; the next record fires if the sum reached `n`. */
  onMerge(_window: TimeWindow, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(COUNT);
  }

  toString(): string {
    return `CountTrigger(${this.maxCount})`;
  }
}
