import type { TimeWindow } from './time-window.ts';

/**
 * What the window operator keeps per key and window, in its state backend under the window's
 * namespace (its start, for assigners whose windows do not merge). Three fields: memory per live
 * (key, window) is what a fleet of devices costs.
 */
export interface WindowContents<S> {
  readonly window: TimeWindow;
  /**
   * The accumulator, or the records of a window with an evictor; `undefined` while the window is
   * empty (no record since it was created or purged: it still exists, with its trigger state and
   * timers, but emits nothing). An aggregate's accumulator is therefore never `undefined`.
   */
  state: S | undefined;
  /**
   * The timer (of the operator's time domain) last registered for this window and not fired or
   * deleted since, NaN if none. Triggers re-register the same timer on every record; this makes
   * the repeat free.
   */
  registeredTimer: number;
}

/**
 * Contents of a window of a merging assigner (sessions), which carry their own namespace: a merged
 * window often starts where one of the windows it replaces did, so starts cannot tell them apart.
 */
export interface MergingWindowContents<S> extends WindowContents<S> {
  readonly namespace: number;
}

/** Contents of a window with nothing in it yet. */
export function emptyContents<S>(window: TimeWindow): WindowContents<S> {
  return { window, state: undefined, registeredTimer: Number.NaN };
}

/** Contents of a merging window with nothing in it yet. */
export function emptyMergingContents<S>(window: TimeWindow, namespace: number): MergingWindowContents<S> {
  return { window, state: undefined, registeredTimer: Number.NaN, namespace };
}
