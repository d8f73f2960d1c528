/**
 * Processing time, injected. Engine, ML and simulator logic never read the wall clock directly:
 * production passes {@link systemClock}, tests pass a {@link ManualClock} and move time by hand.
 *
 * @example
 * const clock = new ManualClock(1_000);
 * const fired: number[] = [];
 * clock.setTimeout(() => fired.push(clock.now()), 500);
 * clock.advance(499); // fired = []
 * clock.advance(1);   // fired = [1500]
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `callback` once after `delayMs`; the returned function cancels it. */
  setTimeout(callback: () => void, delayMs: number): Cancel;
}

export type Cancel = () => void;

/** The wall clock and Node's timers. Timers are unref'd: a pending timer never keeps the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return () => clearTimeout(handle);
  },
};

/** Calls `callback` every `periodMs` until cancelled. */
export function every(clock: Clock, periodMs: number, callback: () => void): Cancel {
  if (!(periodMs > 0)) throw new RangeError(`period must be > 0 ms, got ${periodMs}`);
  let cancelNext: Cancel = () => {};
  let cancelled = false;
  const schedule = () => {
    cancelNext = clock.setTimeout(() => {
      if (cancelled) return;
      callback();
      if (!cancelled) schedule();
    }, periodMs);
  };
  schedule();
  return () => {
    cancelled = true;
    cancelNext();
  };
}

interface PendingTimer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to; timers fire in time order (ties in creation order). */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private pending: PendingTimer[] = [];

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): Cancel {
    const timer: PendingTimer = {
      at: this.current + Math.max(0, delayMs),
      seq: this.seq++,
      callback,
      cancelled: false,
    };
    this.pending.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Moves time forward by `ms`, firing every timer due on the way, each at its own time. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot move a clock backwards (${ms} ms)`);
    this.advanceTo(this.current + ms);
  }

  advanceTo(target: number): void {
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.current = next.at;
      next.cancelled = true;
      next.callback();
    }
    this.current = Math.max(this.current, target);
  }

  /** Timers not yet fired or cancelled. */
  pendingCount(): number {
    this.pending = this.pending.filter((t) => !t.cancelled);
    return this.pending.length;
  }

  private nextDue(target: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.pending) {
      if (t.cancelled || t.at > target) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    if (best) this.pending = this.pending.filter((t) => t !== best && !t.cancelled);
    return best;
  }
}
