import type { TimeWindow } from '../time-window.ts';
import { type OnMergeContext, type Trigger, type TriggerContext, TriggerResult } from './trigger.ts';

/**
 * Fires a window once the watermark passes its end (`maxTimestamp()`), and fires again at once
 * for every late record that is still within the allowed lateness (Flink's `EventTimeTrigger`).
 * The default trigger of event-time windows; merges (sessions).
 */
export class EventTimeTrigger<T> implements Trigger<T> {
  private static readonly instance = new EventTimeTrigger<never>();

  static create<T>(): Trigger<T> {
    return EventTimeTrigger.instance as Trigger<T>;
  }

  onElement(_element: T, _timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.currentWatermark) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }

  onEventTime(time: number, window: TimeWindow): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }

  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }

  canMerge(): boolean {
    return true;
  }

  /**
   * Only sets a timer while the watermark is before the merged window's end: past it, the record
   * that caused the merge fires the window in `onElement`, and a timer would fire it twice.
   */
  onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    if (window.maxTimestamp() > ctx.currentWatermark) ctx.registerEventTimeTimer(window.maxTimestamp());
  }

  toString(): string {
    return 'EventTimeTrigger()';
  }
}
