import type { MergeCallback, TimeWindow } from '../time-window.ts';
import type { Trigger } from '../triggers/trigger.ts';

/** What an assigner may ask the operator: processing time, for processing-time windows. */
export interface WindowAssignerContext {
  /** The operator clock's current time (ms since the epoch). */
  currentProcessingTime(): number;
}

/**
 * Assigns each record to zero or more windows: a pure function of (record, timestamp), plus the
 * operator's processing time for processing-time windows. Names the trigger used when the job does
 * not set one.
 */
export interface WindowAssigner<T> {
  /**
   * The windows `element` (at event time `timestamp`) belongs to. The array (and its windows) may be
   * reused by the next call: do not keep it.
   */
  assignWindows(element: T, timestamp: number, context: WindowAssignerContext): readonly TimeWindow[];
  defaultTrigger(): Trigger<T>;
  /** Event-time windows close on watermarks (and have late records); the others on the clock. */
  isEventTime(): boolean;
  /** Short label for metrics and InfluxDB tags, e.g. `10s`. */
  readonly label: string;
}

/**
 * An assigner whose windows merge (sessions): the operator keeps each key's windows in a
 * `MergingWindowSet` and merges a new window with those it touches or overlaps. That is the one
 * merge rule the operator knows (Flink's session assigners all use it): `mergeWindows` states it.
 */
export interface MergingWindowAssigner<T> extends WindowAssigner<T> {
  /** Reports every group of `windows` that must become one window: `TimeWindow.mergeWindows`. */
  mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback): void;
}

export function isMergingAssigner<T>(assigner: WindowAssigner<T>): assigner is MergingWindowAssigner<T> {
  return typeof (assigner as Partial<MergingWindowAssigner<T>>).mergeWindows === 'function';
}

/** Throws the error every event-time assigner gives for a record without event time. */
export function requireEventTime(timestamp: number): void {
  if (!Number.isFinite(timestamp)) {
    throw new Error(
      'record has no event time: give the source a WatermarkStrategy with a timestamp assigner before event-time windows',
    );
  }
}

/** Checks a window size, slide or gap: a positive integer of ms. */
export function requirePositiveMs(value: number, what: string): number {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new RangeError(`${what} must be a positive integer of ms, got ${value}`);
  }
  return value;
}

/** Checks a window offset: an integer with `|offset| < period` (the size, or the slide of sliding windows). */
export function requireOffset(offset: number, period: number, periodName: string): number {
  if (!(Number.isInteger(offset) && Math.abs(offset) < period)) {
    throw new RangeError(
      `window offset must be an integer with |offset| < ${periodName} (${period} ms), got ${offset}`,
    );
  }
  return offset;
}
