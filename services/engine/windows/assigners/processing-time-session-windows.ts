import { durationLabel } from '../duration-label.ts';
import { type MergeCallback, TimeWindow } from '../time-window.ts';
import { ProcessingTimeTrigger } from '../triggers/processing-time-trigger.ts';
import type { Trigger } from '../triggers/trigger.ts';
import { dynamicGap, type SessionGapExtractor } from './session-gap.ts';
import {
  type MergingWindowAssigner,
  requirePositiveMs,
  type WindowAssignerContext,
} from './window-assigner.ts';

/**
 * Processing-time sessions: each record opens a window `[now, now + gap)` of the operator clock, and
 * windows of a key that overlap or touch merge; a session closes once its key was silent for the gap.
 *
 * @example
 * keyed.window(ProcessingTimeSessionWindows.withGap(30_000));
 */
export class ProcessingTimeSessionWindows<T = unknown> implements MergingWindowAssigner<T> {
  readonly label: string;
  private readonly assigned: [TimeWindow] = [new TimeWindow(Number.NaN, Number.NaN)];

  private constructor(
    readonly gap: number,
    private readonly gapOf: SessionGapExtractor<T> | undefined,
  ) {
    this.label = gapOf === undefined ? `${durationLabel(gap)}-session` : 'dynamic-session';
  }

  static withGap<T = unknown>(gap: number): ProcessingTimeSessionWindows<T> {
    return new ProcessingTimeSessionWindows<T>(requirePositiveMs(gap, 'session gap'), undefined);
  }

  static withDynamicGap<T>(extractor: SessionGapExtractor<T>): ProcessingTimeSessionWindows<T> {
    if (typeof extractor !== 'function')
      throw new TypeError('withDynamicGap needs a function record → gap in ms');
    return new ProcessingTimeSessionWindows<T>(Number.NaN, extractor);
  }

  assignWindows(element: T, _timestamp: number, context: WindowAssignerContext): readonly TimeWindow[] {
    const now = context.currentProcessingTime();
    const gap = this.gapOf === undefined ? this.gap : dynamicGap(this.gapOf, element);
    this.assigned[0] = new TimeWindow(now, now + gap);
    return this.assigned;
  }

  mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  defaultTrigger(): Trigger<T> {
    return ProcessingTimeTrigger.create<T>();
  }

  isEventTime(): boolean {
    return false;
  }

  toString(): string {
    return this.gapOf === undefined
      ? `ProcessingTimeSessionWindows(${this.gap})`
      : 'DynamicProcessingTimeSessionWindows()';
  }
}
