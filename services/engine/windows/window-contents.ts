import type { Key } from '../api/functions.ts';
import type { HeapKeyedStateBackend } from '../state/heap-keyed-state-backend.ts';
import { type PackedTime, packTime, unpackTime } from '../state/packed-time.ts';
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
  /** True when `time` is `registeredTimer` (the record path's check: builds no number). */
  hasRegisteredTimer(time: number): boolean;
}

/**
 * Contents of a window of a merging assigner (sessions), which carry their own namespace: a merged
 * window often starts where one of the windows it replaces did, so starts cannot tell them apart.
 */
export interface MergingWindowContents<S> extends WindowContents<S> {
  readonly namespace: number;
}

/** How many recently created windows {@link emptyContents} shares (a few: windows open at once per operator). */
const SHARED_WINDOWS = 16;
const recentWindows: TimeWindow[] = [];
let nextRecent = 0;

/**
 * One `TimeWindow` instance per recent window: every key's contents of the same window point at
 * it, not at a copy each (assigners make a new window per record; a window costs ~70 B per copy).
 * Windows are immutable, so sharing is safe; only windows of the same class are shared.
 */
export function sharedWindow(window: TimeWindow): TimeWindow {
  for (let i = 0; i < recentWindows.length; i++) {
    const recent = recentWindows[i]!;
    if (
      recent.start === window.start &&
      recent.end === window.end &&
      recent.constructor === window.constructor
    )
      return recent;
  }
  if (recentWindows.length < SHARED_WINDOWS) recentWindows.push(window);
  else recentWindows[nextRecent] = window;
  nextRecent = (nextRecent + 1) % SHARED_WINDOWS;
  return window;
}

/**
 * Window contents as an object of their own (a key's further windows, merging windows): the
 * registered timer is packed relative to the window's end (`packTime`: a small integer, unboxed).
 * A key's first window of an assigner that does not merge lives in its state entry instead
 * (`HeapKeyedStateBackend.putSpread`).
 */
class Contents<S> implements WindowContents<S> {
  state: S | undefined = undefined;
  private timer: PackedTime = undefined;

  constructor(readonly window: TimeWindow) {}

  get registeredTimer(): number {
    return unpackTime(this.timer, this.window.end);
  }

  set registeredTimer(time: number) {
    this.timer = packTime(time, this.window.end);
  }

  hasRegisteredTimer(time: number): boolean {
    const timer = this.timer;
    return typeof timer === 'number' ? this.window.end - timer === time : timer?.[0] === time;
  }
}

/** {@link Contents} with the namespace of a merging window. */
class MergingContents<S> extends Contents<S> implements MergingWindowContents<S> {
  constructor(
    window: TimeWindow,
    readonly namespace: number,
  ) {
    super(window);
  }
}

/** Contents of a window with nothing in it yet (windows of assigners that do not merge: shared, see above). */
export function emptyContents<S>(window: TimeWindow): WindowContents<S> {
  return new Contents<S>(sharedWindow(window));
}

/** Contents of a merging window with nothing in it yet. */
export function emptyMergingContents<S>(window: TimeWindow, namespace: number): MergingWindowContents<S> {
  return new MergingContents<S>(window, namespace);
}

/**
 * Stores the contents of a new, empty window of an assigner that does not merge (namespace: its
 * start) under `slot` for the backend's current key: spread into the key's state entry when that
 * has room (a key's first window), else as an object of their own. The window must have none yet.
 */
export function newWindowContents<S>(
  backend: HeapKeyedStateBackend<Key>,
  slot: number,
  window: TimeWindow,
): WindowContents<S> {
  const shared = sharedWindow(window);
  const spread = backend.putSpread(slot, shared) as WindowContents<S> | undefined;
  if (spread !== undefined) return spread;
  const contents = new Contents<S>(shared);
  backend.put(slot, shared.start, contents);
  return contents;
}
