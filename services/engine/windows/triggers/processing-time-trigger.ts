import type { TimeWindow } from '../time-window.ts';
import {
  fullContext,
  type OnMergeContext,
  type Trigger,
  type TriggerContext,
  TriggerResult,
} from './trigger.ts';

/**
 * Fires a window when the operator's clock reaches its end (`maxTimestamp()`), Flink's
 * `ProcessingTimeTrigger`: the default trigger of processing-time windows; merges (sessions).
 */
export class ProcessingTimeTrigger<T> implements Trigger<T> {
  private static readonly instance = new ProcessingTimeTrigger<never>();

  static create<T>(): Trigger<T> {
    return ProcessingTimeTrigger.instance as Trigger<T>;
  }

  onElement(_element: T, _timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    fullContext(ctx, 'ProcessingTimeTrigger').registerProcessingTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }

  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(): TriggerResult {
    return TriggerResult.FIRE;
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    fullContext(ctx, 'ProcessingTimeTrigger').deleteProcessingTimeTimer(window.maxTimestamp());
  }

  canMerge(): boolean {
    return true;
  }

  onMerge(window: TimeWindow, ctx: OnMergeContext): void {
    const full = fullContext(ctx, 'ProcessingTimeTrigger');
    if (window.maxTimestamp() > full.currentProcessingTime)
      full.registerProcessingTimeTimer(window.maxTimestamp());
  }

  toString(): string {
    return 'ProcessingTimeTrigger()';
  }
}
