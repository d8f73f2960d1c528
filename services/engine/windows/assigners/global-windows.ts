import { MAX_WATERMARK, MIN_WATERMARK } from '../../time/watermark.ts';
import { TimeWindow } from '../time-window.ts';
import { NeverTrigger } from '../triggers/never-trigger.ts';
import type { Trigger } from '../triggers/trigger.ts';
import type { WindowAssigner, WindowAssignerContext } from './window-assigner.ts';

/**
 * The one window of all time, per key: `[MIN_WATERMARK, MAX_WATERMARK + 1)`. Its `maxTimestamp()`
 * is `MAX_WATERMARK`, so its results carry that timestamp (as Flink's `GlobalWindow` results carry
 * `Long.MAX_VALUE`): give results that must be placed in event time a timestamp of their own.
 */
export const GLOBAL_WINDOW = new TimeWindow(MIN_WATERMARK, MAX_WATERMARK + 1);

/**
 * Puts every record of a key into one global window that never ends. Its default trigger never
 * fires, so a job gives it one (`CountTrigger`…); `keyedStream.countWindow(n)` is built on it.
 * Never cleaned up by time: a purging trigger (or an evictor) keeps its contents small.
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(100))); // every 100 records
 */
export class GlobalWindows<T = unknown> implements WindowAssigner<T> {
  readonly label = 'global';
  private static readonly windows: readonly TimeWindow[] = [GLOBAL_WINDOW];

  private constructor() {}

  static create<T = unknown>(): GlobalWindows<T> {
    return new GlobalWindows<T>();
  }

  assignWindows(_element?: T, _timestamp?: number, _context?: WindowAssignerContext): readonly TimeWindow[] {
    return GlobalWindows.windows;
  }

  /** {@link NeverTrigger}: set a trigger of your own. */
  defaultTrigger(): Trigger<T> {
    return NeverTrigger.create<T>();
  }

  isEventTime(): boolean {
    return false;
  }

  toString(): string {
    return 'GlobalWindows()';
  }
}
