import type { TimeWindow } from '../time-window.ts';

/** A record kept by a window with an evictor, with its timestamp (NaN when it has no event time). */
export interface TimestampedValue<T> {
  readonly value: T;
  readonly timestamp: number;
}

/** What an evictor may read besides the elements. */
export interface EvictorContext {
  readonly currentProcessingTime: number;
  readonly currentWatermark: number;
}

/**
 * Removes records from a window's contents when it fires, before and/or after the window function
 * runs (Flink's `Evictor`). A window with an evictor keeps its records (not an accumulator) and
 * aggregates what remains at each firing; removed records are gone for later firings too.
 *
 * `elements` are in arrival order, oldest first: remove from the array in place.
 */
export interface Evictor<T> {
  evictBefore(elements: TimestampedValue<T>[], window: TimeWindow, ctx: EvictorContext): void;
  evictAfter(elements: TimestampedValue<T>[], window: TimeWindow, ctx: EvictorContext): void;
}

/** Checks a count (of records): a positive integer. */
export function requirePositiveCount(n: number, what: string): number {
  if (!(Number.isInteger(n) && n > 0))
    throw new RangeError(`${what} needs a positive integer count, got ${n}`);
  return n;
}
