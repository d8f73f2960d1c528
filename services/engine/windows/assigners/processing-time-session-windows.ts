import { type MergeCallback, TimeWindow } from '../time-window.ts';
import { ProcessingTimeTrigger } from '../triggers/processing-time-trigger.ts';
import type { Trigger } from '../triggers/trigger.ts';
import { SessionGap, type SessionGapExtractor } from './session-gap.ts';
import type { MergingWindowAssigner, WindowAssignerContext } from './window-assigner.ts';

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

  private constructor(private readonly sessionGap: SessionGap<T>) {
    this.label = sessionGap.label;
  }

  /** The fixed gap in ms; NaN when each record sets its own. */
  get gap(): number {
    return this.sessionGap.gap;
  }

  /** Sessions that end after `gap` ms without records. */
  static withGap<T = unknown>(gap: number): ProcessingTimeSessionWindows<T> {
    return new ProcessingTimeSessionWindows<T>(SessionGap.fixed<T>(gap));
  }

  /** Sessions whose gap each record sets (`extractor(record)`, ms > 0). */
  static withDynamicGap<T>(extractor: SessionGapExtractor<T>): ProcessingTimeSessionWindows<T> {
    return new ProcessingTimeSessionWindows<T>(SessionGap.dynamic(extractor));
  }

  assignWindows(element: T, _timestamp: number, context: WindowAssignerContext): readonly TimeWindow[] {
    const now = context.currentProcessingTime();
    const gap = this.sessionGap.of(element);
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
    return this.sessionGap.describe('ProcessingTime');
  }
}
