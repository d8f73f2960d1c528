import type { TimeWindow } from '../time-window.ts';
import {
  type OnMergeContext,
  shouldFire,
  type Trigger,
  type TriggerContext,
  TriggerResult,
} from './trigger.ts';

/**
 * Wraps a trigger so that every FIRE also purges the window's contents: each firing then covers only
 * the records since the previous one (Flink's `PurgingTrigger`).
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(100))); // = countWindow(100)
 */
export class PurgingTrigger<T> implements Trigger<T> {
  private constructor(readonly nested: Trigger<T>) {}

  static of<T>(nested: Trigger<T>): PurgingTrigger<T> {
    if (nested === undefined || nested === null)
      throw new TypeError('PurgingTrigger.of needs the trigger to wrap');
    return new PurgingTrigger(nested);
  }

  onElement(element: T, timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    return purging(this.nested.onElement(element, timestamp, window, ctx));
  }

  onEventTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    return purging(this.nested.onEventTime(time, window, ctx));
  }

  onProcessingTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    return purging(this.nested.onProcessingTime(time, window, ctx));
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    this.nested.clear(window, ctx);
  }

  canMerge(): boolean {
    return this.nested.canMerge?.() ?? false;
  }

  onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    this.nested.onMerge?.(window, ctx);
  }

  toString(): string {
    return `PurgingTrigger(${String(this.nested)})`;
  }
}

function purging(result: TriggerResult): TriggerResult {
  return shouldFire(result) ? TriggerResult.FIRE_AND_PURGE : result;
}
