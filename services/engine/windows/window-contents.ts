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

/** How many recently created windows {@link emptyContents} shares (a few: windows open at once per operator). */
const SHARED_WINDOWS = 16;
const recentWindows: TimeWindow[] = [];
let nextRecent = 0;

/**
 * One `TimeWindow` instance per recent window: every key's contents of the same window point at
 * it, not at a copy each (assigners make a new window per record; a window costs ~70 B per copy).
 * Windows are immutable, so sharing is safe; only windows of the same class are shared.
 */
function shared(window: TimeWindow): TimeWindow {
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
 * Holds `registeredTimer` as `window.end - timer`, a small integer V8 keeps unboxed in the object
 * (the timer itself, ~1.7e12, would be a 16-byte heap number per window); `undefined` for NaN,
 * and the timer in a one-element array when the difference would not give it back exactly.
 */
class Contents<S> implements WindowContents<S> {
  state: S | undefined = undefined;
  private timer: number | [number] | undefined = undefined;

  constructor(readonly window: TimeWindow) {}

  get registeredTimer(): number {
    const timer = this.timer;
    if (timer === undefined) return Number.NaN;
    return typeof timer === 'number' ? this.window.end - timer : timer[0];
  }

  set registeredTimer(time: number) {
    const end = this.window.end;
    const delta = end - time;
    this.timer = Number.isNaN(time) ? undefined : end - delta === time ? delta : [time];
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
  return new Contents<S>(shared(window));
}

/** Contents of a merging window with nothing in it yet. */
export function emptyMergingContents<S>(window: TimeWindow, namespace: number): MergingWindowContents<S> {
  return new MergingContents<S>(window, namespace);
}
