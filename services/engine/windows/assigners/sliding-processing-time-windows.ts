import { durationLabel } from '../duration-label.ts';
import type { TimeWindow } from '../time-window.ts';
import { ProcessingTimeTrigger } from '../triggers/processing-time-trigger.ts';
import type { Trigger } from '../triggers/trigger.ts';
import { PeriodicWindows } from './periodic-windows.ts';
import type { WindowAssigner, WindowAssignerContext } from './window-assigner.ts';

/**
 * Overlapping windows of processing time: `size` ms long, one starting every `slide` ms (shifted by
 * `offset`, `|offset| < slide`). A record goes to the windows holding the operator clock's time when
 * it arrives. Fires on the clock.
 *
 * @example
 * keyed.window(SlidingProcessingTimeWindows.of(60_000, 10_000)); // the last minute, every 10 s
 */
export class SlidingProcessingTimeWindows<T = unknown> implements WindowAssigner<T> {
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

  static of<T = unknown>(size: number, slide: number, offset = 0): SlidingProcessingTimeWindows<T> {
    return new SlidingProcessingTimeWindows<T>(size, slide, offset);
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
    return `SlidingProcessingTimeWindows(${this.size}, ${this.slide}, ${this.offset})`;
  }
}
