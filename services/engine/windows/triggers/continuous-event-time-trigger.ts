import type { ReducingState } from '../../state/keyed-state.ts';
import { ReducingStateDescriptor } from '../../state/state-descriptors.ts';
import { requirePositiveMs } from '../assigners/window-assigner.ts';
import { TimeWindow } from '../time-window.ts';
import {
  fullContext,
  type OnMergeContext,
  type Trigger,
  type TriggerContext,
  TriggerResult,
} from './trigger.ts';

/** The next early firing time, per key and window (the earliest one wins when windows merge). */
const FIRE_TIME = new ReducingStateDescriptor<number>('continuous-event-time-trigger.fire-time', Math.min);

/**
 * Fires a window every `interval` ms of event time (when the watermark passes multiples of the
 * interval) with its result so far, and at its end like {@link EventTimeTrigger}: early results of
 * long windows (Flink's `ContinuousEventTimeTrigger`). Merges (sessions).
 *
 * @example
 * keyed.window(TumblingEventTimeWindows.of(3_600_000)).trigger(ContinuousEventTimeTrigger.of(60_000));
 * // the hour so far, every minute of event time, then the whole hour
 */
export class ContinuousEventTimeTrigger<T> implements Trigger<T> {
  private constructor(readonly interval: number) {}

  static of<T>(interval: number): ContinuousEventTimeTrigger<T> {
    return new ContinuousEventTimeTrigger<T>(requirePositiveMs(interval, 'trigger interval'));
  }

  onElement(_element: T, timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.currentWatermark) return TriggerResult.FIRE; // late: fire at once
    ctx.registerEventTimeTimer(window.maxTimestamp());
    const fireTime = fullContext(ctx, 'ContinuousEventTimeTrigger').getPartitionedState(FIRE_TIME);
    if (fireTime.get() === undefined) {
      this.registerNextFire(TimeWindow.startFor(timestamp, 0, this.interval), window, ctx, fireTime);
    }
    return TriggerResult.CONTINUE;
  }

  onEventTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return TriggerResult.FIRE;
    const fireTime = fullContext(ctx, 'ContinuousEventTimeTrigger').getPartitionedState(FIRE_TIME);
    if (fireTime.get() !== time) return TriggerResult.CONTINUE;
    fireTime.clear();
    this.registerNextFire(time, window, ctx, fireTime);
    return TriggerResult.FIRE;
  }

  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    const fireTime = fullContext(ctx, 'ContinuousEventTimeTrigger').getPartitionedState(FIRE_TIME);
    const time = fireTime.get();
    if (time !== undefined) {
      ctx.deleteEventTimeTimer(time);
      fireTime.clear();
    }
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }

  canMerge(): boolean {
    return true;
  }

  /** Keeps the earliest pending early firing of the merged windows (the record that merged sets the end timer). */
  onMerge(_window: TimeWindow, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(FIRE_TIME);
    const next = fullContext(ctx, 'ContinuousEventTimeTrigger').getPartitionedState(FIRE_TIME).get();
    if (next !== undefined) ctx.registerEventTimeTimer(next);
  }

  toString(): string {
    return `ContinuousEventTimeTrigger(${this.interval})`;
  }

  /** Next early firing: one interval after `time`, never past the window's end (which fires anyway). */
  private registerNextFire(
    time: number,
    window: TimeWindow,
    ctx: TriggerContext,
    fireTime: ReducingState<number>,
  ): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    fireTime.add(next);
    ctx.registerEventTimeTimer(next);
  }
}
