import { type MergeCallback, TimeWindow } from '../time-window.ts';
import { EventTimeTrigger } from '../triggers/event-time-trigger.ts';
import type { Trigger } from '../triggers/trigger.ts';
import { SessionGap, type SessionGapExtractor } from './session-gap.ts';
import {
  type MergingWindowAssigner,
  requireEventTime,
  type WindowAssignerContext,
} from './window-assigner.ts';

/**
 * Event-time sessions: each record opens a window `[t, t + gap)`, and windows of a key that overlap
 * or touch merge, so a session lasts until no record came for `gap` ms. The gap is fixed
 * (`withGap`) or per record (`withDynamicGap`). A late record can bridge two sessions into one.
 *
 * @example
 * keyed.window(EventTimeSessionWindows.withGap(30_000)); // a session ends after 30 s of silence
 * keyed.window(EventTimeSessionWindows.withDynamicGap((r: Reading) => (r.metric === 'door' ? 5_000 : 60_000)));
 */
export class EventTimeSessionWindows<T = unknown> implements MergingWindowAssigner<T> {
  readonly label: string;
  /** The array is reused per record; the window in it is new each time. */
  private readonly assigned: [TimeWindow] = [new TimeWindow(Number.NaN, Number.NaN)];

  private constructor(private readonly sessionGap: SessionGap<T>) {
    this.label = sessionGap.label;
  }

  /** The fixed gap in ms; NaN when each record sets its own. */
  get gap(): number {
    return this.sessionGap.gap;
  }

  /** Sessions that end after `gap` ms without records. */
  static withGap<T = unknown>(gap: number): EventTimeSessionWindows<T> {
    return new EventTimeSessionWindows<T>(SessionGap.fixed<T>(gap));
  }

  /** Sessions whose gap each record sets (`extractor(record)`, ms > 0). */
  static withDynamicGap<T>(extractor: SessionGapExtractor<T>): EventTimeSessionWindows<T> {
    return new EventTimeSessionWindows<T>(SessionGap.dynamic(extractor));
  }

  assignWindows(element: T, timestamp: number, _context?: WindowAssignerContext): readonly TimeWindow[] {
    requireEventTime(timestamp);
    const gap = this.sessionGap.of(element);
    this.assigned[0] = new TimeWindow(timestamp, timestamp + gap);
    return this.assigned;
  }

  mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  defaultTrigger(): Trigger<T> {
    return EventTimeTrigger.create<T>();
  }

  isEventTime(): boolean {
    return true;
  }

  toString(): string {
    return this.sessionGap.describe('EventTime');
  }
}
