import type { TimeWindow } from '../time-window.ts';

/**
 * What a trigger decides for a window. FIRE emits the window's current result; PURGE drops its
 * contents (the window's cleanup timer still removes it for good).
 */
export enum TriggerResult {
  CONTINUE = 0,
  FIRE = 1,
  PURGE = 2,
  FIRE_AND_PURGE = 3,
}

export function shouldFire(result: TriggerResult): boolean {
  return (result & TriggerResult.FIRE) !== 0;
}

export function shouldPurge(result: TriggerResult): boolean {
  return (result & TriggerResult.PURGE) !== 0;
}

/** What a trigger may use: the watermark and timers scoped to the current key and window. */
export interface TriggerContext {
  readonly currentWatermark: number;
  registerEventTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
}

/**
 * Decides when a window emits. Triggers keep no fields of their own: anything they remember lives
 * in state and timers reached through the context, so they are checkpointed with the window.
 */
export interface Trigger<T> {
  onElement(element: T, timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  onEventTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  /** Called when the window is removed: delete timers and state the trigger created. */
  clear(window: TimeWindow, ctx: TriggerContext): void;
}
