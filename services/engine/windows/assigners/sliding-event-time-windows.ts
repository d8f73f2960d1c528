import { durationLabel } from '../duration-label.ts';
import type { TimeWindow } from '../time-window.ts';
import { EventTimeTrigger } from '../triggers/event-time-trigger.ts';
import type { Trigger } from '../triggers/trigger.ts';
import { PeriodicWindows } from './periodic-windows.ts';
import { requireEventTime, type WindowAssigner, type WindowAssignerContext } from './window-assigner.ts';

/**
 * Overlapping event-time windows of `size` ms, one starting every `slide` ms (shifted by `offset`,
 * `|offset| < slide`): a record belongs to `size / slide` windows. With `slide > size` the windows
 * leave gaps, and records in a gap belong to none.
 *
 * @example
 * const windows = SlidingEventTimeWindows.of(60_000, 10_000); // the last minute, every 10 s
 * windows.assignWindows(record, 65_000, ctx); // [60000, 120000), [50000, 110000) … [10000, 70000)
 */
export class SlidingEventTimeWindows<T = unknown> implements WindowAssigner<T> {
  readonly label: string;
  private readonly periodic: PeriodicWindows;

  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    this.periodic = new PeriodicWindows(size, slide, offset);
    this.label = `${durationLabel(size)}/${durationLabel(slide)}`;
  }

  /** Windows of `size` ms every `slide` ms; `offset` shifts them (e.g. to a time zone). */
  static of<T = unknown>(size: number, slide: number, offset = 0): SlidingEventTimeWindows<T> {
    return new SlidingEventTimeWindows<T>(size, slide, offset);
  }

  assignWindows(_element: T, timestamp: number, _context?: WindowAssignerContext): readonly TimeWindow[] {
    requireEventTime(timestamp);
    return this.periodic.at(timestamp);
  }

  defaultTrigger(): Trigger<T> {
    return EventTimeTrigger.create<T>();
  }

  isEventTime(): boolean {
    return true;
  }

  toString(): string {
    return `SlidingEventTimeWindows(${this.size}, ${this.slide}, ${this.offset})`;
  }
}
