import { durationLabel } from '../duration-label.ts';
import { TimeWindow } from '../time-window.ts';
import { EventTimeTrigger } from '../triggers/event-time-trigger.ts';
import type { Trigger } from '../triggers/trigger.ts';
import {
  requireOffset,
  requirePositiveMs,
  type WindowAssigner,
  type WindowAssignerContext,
} from './window-assigner.ts';

/**
 * Fixed-size, non-overlapping event-time windows: `[k·size + offset, (k+1)·size + offset)`.
 *
 * @example
 * const windows = TumblingEventTimeWindows.of(10_000);
 * windows.assignWindows(record, 12_345); // [TimeWindow [10000, 20000)]
 * TumblingEventTimeWindows.of(3_600_000, -1_800_000); // hourly windows starting at half past
 */
export class TumblingEventTimeWindows<T = unknown> implements WindowAssigner<T> {
  readonly label: string;
  /**
   * The last two windows handed out, reused while records fall into them: out-of-order streams
   * alternate between the current and the previous window, and neither should allocate per record.
   */
  private last: [TimeWindow] = [new TimeWindow(Number.NaN, Number.NaN)];
  private previous: [TimeWindow] = [new TimeWindow(Number.NaN, Number.NaN)];

  private constructor(
    readonly size: number,
    readonly offset: number,
  ) {
    requirePositiveMs(size, 'window size');
    requireOffset(offset, size, 'size');
    this.label = durationLabel(size);
  }

  static of<T = unknown>(size: number, offset = 0): TumblingEventTimeWindows<T> {
    return new TumblingEventTimeWindows<T>(size, offset);
  }

  assignWindows(_element: T, timestamp: number, _context?: WindowAssignerContext): readonly TimeWindow[] {
    // most records fall into the last window: a range check spares the division of `startFor`
    const last = this.last[0];
    if (timestamp >= last.start && timestamp < last.end) return this.last;
    if (!Number.isFinite(timestamp)) {
      throw new Error(
        'record has no event time: give the source a WatermarkStrategy with a timestamp assigner before event-time windows',
      );
    }
    const start = TimeWindow.startFor(timestamp, this.offset, this.size);
    if (this.last[0].start === start) return this.last;
    const swap = this.previous;
    this.previous = this.last;
    this.last = swap[0].start === start ? swap : [new TimeWindow(start, start + this.size)];
    return this.last;
  }

  defaultTrigger(): Trigger<T> {
    return EventTimeTrigger.create<T>();
  }

  isEventTime(): boolean {
    return true;
  }

  toString(): string {
    return `TumblingEventTimeWindows(${this.size}, ${this.offset})`;
  }
}
