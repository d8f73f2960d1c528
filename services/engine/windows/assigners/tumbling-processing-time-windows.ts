import { durationLabel } from '../duration-label.ts';
import type { TimeWindow } from '../time-window.ts';
import { ProcessingTimeTrigger } from '../triggers/processing-time-trigger.ts';
import type { Trigger } from '../triggers/trigger.ts';
import { PeriodicWindows } from './periodic-windows.ts';
import type { WindowAssigner, WindowAssignerContext } from './window-assigner.ts';

/**
 * Fixed-size, non-overlapping windows of processing time: a record goes to the window holding the
 * operator clock's time when it arrives (its event time is ignored). Fires on the clock.
 *
 * @example
 * keyed.window(TumblingProcessingTimeWindows.of(10_000)); // what arrived in each 10 s of wall clock
 */
export class TumblingProcessingTimeWindows<T = unknown> implements WindowAssigner<T> {
  readonly label: string;
  private readonly periodic: PeriodicWindows;

  private constructor(
    readonly size: number,
    readonly offset: number,
  ) {
    this.periodic = new PeriodicWindows(size, size, offset);
    this.label = durationLabel(size);
  }

  /** Windows of `size` ms; `offset` (`|offset| < size`) shifts them. */
  static of<T = unknown>(size: number, offset = 0): TumblingProcessingTimeWindows<T> {
    return new TumblingProcessingTimeWindows<T>(size, offset);
  }

  assignWindows(_element: T, _timestamp: number, context: WindowAssignerContext): readonly TimeWindow[] {
    return this.periodic.at(context.currentProcessingTime());
  }

  defaultTrigger(): Trigger<T> {
    return ProcessingTimeTrigger.create<T>();
  }

  isEventTime(): boolean {
    return false;
  }

  toString(): string {
    return `TumblingProcessingTimeWindows(${this.size}, ${this.offset})`;
  }
}
