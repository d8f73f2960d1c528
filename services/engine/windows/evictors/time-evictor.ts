import { requirePositiveMs } from '../assigners/window-assigner.ts';
import type { TimeWindow } from '../time-window.ts';
import type { Evictor, EvictorContext, TimestampedValue } from './evictor.ts';

/**
 * Keeps the records of the last `ms` of event time, counted back from the window's newest record:
 * evicts every record with `timestamp <= newest - ms` (Flink's `TimeEvictor`), before the window
 * function runs, or after it with `doEvictAfter`. Records without event time are never evicted.
 *
 * @example
 * keyed.window(TumblingEventTimeWindows.of(60_000)).evictor(TimeEvictor.of(10_000));
 * // each minute's result covers only its last 10 s of records
 */
export class TimeEvictor<T> implements Evictor<T> {
  private constructor(
    readonly windowSize: number,
    readonly doEvictAfter: boolean,
  ) {}

  static of<T>(ms: number, doEvictAfter = false): TimeEvictor<T> {
    return new TimeEvictor<T>(requirePositiveMs(ms, 'TimeEvictor size'), doEvictAfter);
  }

  evictBefore(elements: TimestampedValue<T>[], _window: TimeWindow, _ctx: EvictorContext): void {
    if (!this.doEvictAfter) this.evict(elements);
  }

  evictAfter(elements: TimestampedValue<T>[], _window: TimeWindow, _ctx: EvictorContext): void {
    if (this.doEvictAfter) this.evict(elements);
  }

  toString(): string {
    return `TimeEvictor(${this.windowSize})`;
  }

  private evict(elements: TimestampedValue<T>[]): void {
    if (elements.length === 0 || !Number.isFinite(elements[0]!.timestamp)) return;
    let newest = Number.NEGATIVE_INFINITY;
    for (const element of elements) if (element.timestamp > newest) newest = element.timestamp;
    const cutoff = newest - this.windowSize;
    let kept = 0;
    for (const element of elements) if (!(element.timestamp <= cutoff)) elements[kept++] = element;
    elements.length = kept;
  }
}
