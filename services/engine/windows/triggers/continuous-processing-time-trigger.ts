import type { ReducingState } from '../../state/keyed-state.ts';
import { ReducingStateDescriptor } from '../../state/state-descriptors.ts';
import { requirePositiveMs } from '../assigners/window-assigner.ts';
import { TimeWindow } from '../time-window.ts';
import {
  type FullTriggerContext,
  fullContext,
  type OnMergeContext,
  type Trigger,
  type TriggerContext,
  TriggerResult,
} from './trigger.ts';

/** The next firing time (processing time), per key and window (the earliest wins when windows merge). */
const FIRE_TIME = new ReducingStateDescriptor<number>(
  'continuous-processing-time-trigger.fire-time',
  Math.min,
);

/**
 * Fires a window every `interval` ms of the operator's clock (at multiples of the interval) while it
 * has records, with its result so far; the last firing is at the window's end in processing time
 * (Flink's `ContinuousProcessingTimeTrigger`). Merges (sessions).
 *
 * It replaces the window's trigger: on event-time windows it gives results on the clock only (none at
 * the watermark); for early results plus the final one in event time, use
 * {@link ContinuousEventTimeTrigger}.
 *
 * @example
 * keyed.window(TumblingProcessingTimeWindows.of(60_000)).trigger(ContinuousProcessingTimeTrigger.of(5_000));
 * // the minute so far, every 5 s
 */
export class ContinuousProcessingTimeTrigger<T> implements Trigger<T> {
  private constructor(readonly interval: number) {}

  static of<T>(interval: number): ContinuousProcessingTimeTrigger<T> {
    return new ContinuousProcessingTimeTrigger<T>(requirePositiveMs(interval, 'trigger interval'));
  }

  onElement(_element: T, _timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    const full = fullContext(ctx, 'ContinuousProcessingTimeTrigger');
    const fireTime = full.getPartitionedState(FIRE_TIME);
    if (fireTime.get() === undefined) {
      const now = full.currentProcessingTime;
      this.registerNextFire(TimeWindow.startFor(now, 0, this.interval), window, full, fireTime);
    }
    return TriggerResult.CONTINUE;
  }

  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    const full = fullContext(ctx, 'ContinuousProcessingTimeTrigger');
    const fireTime = full.getPartitionedState(FIRE_TIME);
    if (fireTime.get() !== time) return TriggerResult.CONTINUE;
    fireTime.clear();
    // After the firing at the window's end there is no next one (Flink would register that past time
    // again and again); a later record starts a new round.
    if (time < window.maxTimestamp()) this.registerNextFire(time, window, full, fireTime);
    return TriggerResult.FIRE;
  }

  clear(_window: TimeWindow, ctx: TriggerContext): void {
    const full = fullContext(ctx, 'ContinuousProcessingTimeTrigger');
    const fireTime = full.getPartitionedState(FIRE_TIME);
    const time = fireTime.get();
    if (time === undefined) return;
    full.deleteProcessingTimeTimer(time);
    fireTime.clear();
  }

  canMerge(): boolean {
    return true;
  }

  onMerge(_window: TimeWindow, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(FIRE_TIME);
    const full = fullContext(ctx, 'ContinuousProcessingTimeTrigger');
    const next = full.getPartitionedState(FIRE_TIME).get();
    if (next !== undefined) full.registerProcessingTimeTimer(next);
  }

  toString(): string {
    return `ContinuousProcessingTimeTrigger(${this.interval})`;
  }

  /** Remembers and registers the next firing: one interval after `time`, capped at the window's end. */
  private registerNextFire(
    time: number,
    window: TimeWindow,
    ctx: FullTriggerContext,
    fireTime: ReducingState<number>,
  ): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    fireTime.add(next);
    ctx.registerProcessingTimeTimer(next);
  }
}
