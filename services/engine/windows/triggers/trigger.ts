import type { ReducingState, ValueState } from '../../state/keyed-state.ts';
import type { ReducingStateDescriptor, ValueStateDescriptor } from '../../state/state-descriptors.ts';
import type { TimeWindow } from '../time-window.ts';

/**
 * What a trigger decides for a window. FIRE emits the window's current result; PURGE drops its
 * contents (the window itself, its trigger state and timers live on until its cleanup time).
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

/**
 * What a trigger may use: the watermark and timers scoped to the current key and window, and (in
 * the window operator, optional for other implementations) processing time, processing-time timers
 * and state scoped to the window. Timers are deduplicated per key, window and time.
 */
export interface TriggerContext {
  readonly currentWatermark: number;
  registerEventTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  /** The operator clock's current time. */
  readonly currentProcessingTime?: number;
  /** Calls `onProcessingTime(time)` once the operator's clock reaches `time`. */
  registerProcessingTimeTimer?(time: number): void;
  deleteProcessingTimeTimer?(time: number): void;
  /** State of the current key and window (Flink's `getPartitionedState`); `clear` it in `Trigger.clear`. */
  getPartitionedState?<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getPartitionedState?<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
}

/** The context of `onMerge`: also merges the merged windows' state into the new window's. */
export interface OnMergeContext extends TriggerContext {
  /** Folds the state `descriptor` names of every merged window into the merged window's (and clears theirs). */
  mergePartitionedState<T>(descriptor: ReducingStateDescriptor<T>): void;
}

/**
 * Decides when a window emits. Triggers keep no fields of their own: anything they remember lives
 * in state and timers reached through the context, so they are checkpointed with the window.
 * Triggers of session windows must merge (`canMerge()` true and `onMerge`).
 */
export interface Trigger<T> {
  onElement(element: T, timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  onEventTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  onProcessingTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  /** Called when the window is removed (or merged away): delete timers and state the trigger created. */
  clear(window: TimeWindow, ctx: TriggerContext): void;
  /** True when the trigger supports merging windows (then `onMerge` is called after each merge). */
  canMerge?(): boolean;
  /**
   * Called on the merged window after windows merged: re-register its timers and merge its state
   * (`ctx.mergePartitionedState`). The merged-away windows are `clear`ed afterwards.
   */
  onMerge?(window: TimeWindow, ctx: OnMergeContext): void;
}

/** A {@link TriggerContext} with every optional member present. */
export type FullTriggerContext = Required<TriggerContext>;

/**
 * Checks that `ctx` has the optional members (processing time, timers and window state) a trigger
 * needs: the window operator's context has them all.
 */
export function fullContext(ctx: TriggerContext, trigger: string): FullTriggerContext {
  if (
    typeof ctx.registerProcessingTimeTimer !== 'function' ||
    typeof ctx.deleteProcessingTimeTimer !== 'function' ||
    typeof ctx.getPartitionedState !== 'function' ||
    !('currentProcessingTime' in ctx) // not read: reading it asks the clock
  ) {
    throw new Error(
      `${trigger} needs processing time, processing-time timers and window state from its TriggerContext: ` +
        'run it in a window operator, or give the context those members',
    );
  }
  return ctx as FullTriggerContext;
}

/** Throws unless `trigger` can merge windows, as the trigger of a merging (session) assigner must. */
export function requireMergingTrigger(trigger: Trigger<never>, assigner: object): void {
  if (trigger.canMerge?.() !== true || trigger.onMerge === undefined) {
    throw new Error(
      `${String(assigner)} merges windows (sessions), so its trigger must merge too, and ${String(trigger)} ` +
        'cannot (canMerge() is not true or onMerge is missing): use a trigger that supports merging',
    );
  }
}
