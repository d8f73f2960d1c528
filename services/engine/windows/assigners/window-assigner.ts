import type { TimeWindow } from '../time-window.ts';
import type { Trigger } from '../triggers/trigger.ts';

/**
 * Assigns each record to zero or more windows: a pure function of (record, timestamp).
 * Names the trigger used when the job does not set one.
 */
export interface WindowAssigner<T> {
  /** The windows `element` (at event time `timestamp`) belongs to. The array may be reused: do not keep it. */
  assignWindows(element: T, timestamp: number): readonly TimeWindow[];
  defaultTrigger(): Trigger<T>;
  isEventTime(): boolean;
  /** Short label for metrics and InfluxDB tags, e.g. `10s`. */
  readonly label: string;
}
