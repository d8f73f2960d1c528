import type { TimeWindow } from '../time-window.ts';
import { type Evictor, type EvictorContext, requirePositiveCount, type TimestampedValue } from './evictor.ts';

/**
 * Keeps the last `n` records of a window, evicting the oldest (Flink's `CountEvictor`), before the
 * window function runs, or after it with `doEvictAfter`.
 *
 * @example
 * keyed.window(GlobalWindows.create()).evictor(CountEvictor.of(100)).trigger(CountTrigger.of(10));
 * // = countWindow(100, 10): the last 100 records, every 10 records
 */
export class CountEvictor<T> implements Evictor<T> {
  private constructor(
    readonly maxCount: number,
    readonly doEvictAfter: boolean,
  ) {}

  static of<T>(n: number, doEvictAfter = false): CountEvictor<T> {
    return new CountEvictor<T>(requirePositiveCount(n, 'CountEvictor.of'), doEvictAfter);
  }

  evictBefore(elements: TimestampedValue<T>[], _window: TimeWindow, _ctx: EvictorContext): void {
    if (!this.doEvictAfter) this.evict(elements);
  }

  evictAfter(elements: TimestampedValue<T>[], _window: TimeWindow, _ctx: EvictorContext): void {
    if (this.doEvictAfter) this.evict(elements);
  }

  toString(): string {
    return `CountEvictor(${this.maxCount})`;
  }

  private evict(elements: TimestampedValue<T>[]): void {
    if (elements.length > this.maxCount) elements.splice(0, elements.length - this.maxCount);
  }
}
