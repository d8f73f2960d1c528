import type { Key } from '../api/functions.ts';
import type { Cancel, Clock } from './clock.ts';
import {
  forEachTimerToRestore,
  type KeyGroupSpan,
  popTime,
  pushTime,
  type TimerEntry,
  type TimersByKeyGroup,
  timerGrouper,
} from './time-heap.ts';

/** Called for each timer that fires. */
export type ProcessingTimeCallback<K> = (key: K, namespace: number, time: number) => void;

/**
 * Processing-time timers per (key, namespace, time), deduplicated, fired from the injected
 * {@link Clock} in time order: the counterpart of `EventTimeTimers`, which fires on watermarks.
 *
 * Only one clock timer is pending at a time, set for the earliest timer; when it fires, every timer
 * due by `clock.now()` fires (in time order; ties in registration order) and the clock timer is
 * set again for the next one. A timer registered for a time already past fires at the next clock
 * callback (with a `ManualClock`, on the next `advance`, even `advance(0)`). Timers registered
 * while firing fire in the same round if due. `close()` cancels the clock timer.
 *
 * Snapshots are by key group (`snapshotByKeyGroup`); `restore` adds them back (all groups, or the
 * range a subtask owns after rescaling). A restored timer already due fires on the next clock
 * callback, as Flink fires them after recovery; later ones at their time.
 *
 * @example
 * const clock = new ManualClock(0);
 * const timers = new ProcessingTimeTimers<string>(clock, (key, _ns, time) => console.log(key, time));
 * timers.register('a', 0, 1_000);
 * timers.register('a', 0, 1_000); // deduplicated
 * timers.register('b', 0, 500);
 * clock.advance(1_000); // b 500, then a 1000
 */
export class ProcessingTimeTimers<K extends Key> {
  private readonly byTime = new Map<number, Map<K, number[]>>();
  private readonly heap: number[] = [];
  private count = 0;
  /** Time the pending clock timer is set for (Infinity when none). */
  private scheduledAt = Number.POSITIVE_INFINITY;
  private cancelScheduled: Cancel | undefined;
  private firing = false;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly onTimer: ProcessingTimeCallback<K>,
    /** Receives an error thrown by `onTimer` (which runs from the clock); absent, it is thrown. */
    private readonly onError?: (error: unknown) => void,
  ) {}

  register(key: K, namespace: number, time: number): void {
    if (this.add(key, namespace, time) && !this.firing) this.schedule(time);
  }

  delete(key: K, namespace: number, time: number): void {
    const keys = this.byTime.get(time);
    const namespaces = keys?.get(key);
    if (keys === undefined || namespaces === undefined) return;
    const at = namespaces.indexOf(namespace);
    if (at < 0) return;
    namespaces.splice(at, 1);
    this.count--;
    if (namespaces.length === 0) keys.delete(key);
    if (keys.size === 0) this.byTime.delete(time); // its heap entry is skipped later; the clock timer may fire idle
  }

  /** Pending timers. */
  get size(): number {
    return this.count;
  }

  /** Every pending timer, for snapshots. */
  *entries(): IterableIterator<{ key: K; namespace: number; time: number }> {
    for (const [time, keys] of this.byTime) {
      for (const [key, namespaces] of keys)
        for (const namespace of namespaces) yield { key, namespace, time };
    }
  }

  /**
   * Every pending timer, grouped by the key group of its key: what a checkpoint stores. The
   * result shares nothing with the service (timers registered or fired later do not change it).
   * Timers with `time - namespace === skipDelta` are left out (see `EventTimeTimers`).
   */
  snapshotByKeyGroup(keyGroupOf: (key: K) => number, skipDelta = Number.NaN): TimersByKeyGroup<K> {
    const grouper = timerGrouper(keyGroupOf);
    for (const [time, keys] of this.byTime) {
      for (const [key, namespaces] of keys)
        for (const namespace of namespaces) {
          if (time - namespace !== skipDelta) grouper.add(key, namespace, time);
        }
    }
    return grouper.groups;
  }

  /**
   * Adds the timers of a snapshot: every group, or only the groups in `owned` (rescaling),
   * deduplicated as `register` is, then sets one clock timer for the earliest. Timers already
   * due fire on the next clock callback (with a `ManualClock`, the next `advance`, even `advance(0)`).
   */
  restore(groups: Iterable<readonly [number, readonly TimerEntry<K>[]]>, owned?: KeyGroupSpan): void {
    let earliest = Number.POSITIVE_INFINITY;
    forEachTimerToRestore(groups, owned, (key, namespace, time) => {
      if (this.add(key, namespace, time) && time < earliest) earliest = time;
    });
    if (!this.firing && earliest < Number.POSITIVE_INFINITY) this.schedule(earliest);
  }

  /** Cancels the clock timer; nothing fires afterwards. Pending timers stay (for a snapshot). */
  close(): void {
    this.closed = true;
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
    this.scheduledAt = Number.POSITIVE_INFINITY;
  }

  /** Stores a timer; false if it was already there. */
  private add(key: K, namespace: number, time: number): boolean {
    if (!Number.isFinite(time))
      throw new RangeError(`a processing-time timer needs a finite time, got ${time}`);
    let keys = this.byTime.get(time);
    if (keys === undefined) {
      keys = new Map();
      this.byTime.set(time, keys);
      pushTime(this.heap, time);
    }
    const namespaces = keys.get(key);
    if (namespaces === undefined) keys.set(key, [namespace]);
    else if (namespaces.includes(namespace)) return false;
    else namespaces.push(namespace);
    this.count++;
    return true;
  }

  private schedule(time: number): void {
    if (this.closed || time >= this.scheduledAt) return;
    this.cancelScheduled?.();
    this.scheduledAt = time;
    this.cancelScheduled = this.clock.setTimeout(this.fire, time - this.clock.now());
  }

  private readonly fire = (): void => {
    this.cancelScheduled = undefined;
    this.scheduledAt = Number.POSITIVE_INFINITY;
    if (this.closed) return;
    this.firing = true;
    try {
      const now = this.clock.now();
      const heap = this.heap;
      while (heap.length > 0 && heap[0]! <= now) {
        const time = popTime(heap);
        const keys = this.byTime.get(time);
        if (keys === undefined) continue;
        this.byTime.delete(time);
        for (const [key, namespaces] of keys) {
          for (const namespace of namespaces) {
            this.count--;
            this.onTimer(key, namespace, time);
          }
        }
      }
    } catch (error) {
      if (!this.onError) throw error;
      this.closed = true; // the job is failing: fire nothing more
      this.onError(error);
    } finally {
      this.firing = false;
      this.scheduleNext();
    }
  };

  /** Sets the clock timer for the earliest live timer (dropping heap entries of deleted times). */
  private scheduleNext(): void {
    const heap = this.heap;
    while (heap.length > 0 && !this.byTime.has(heap[0]!)) popTime(heap);
    if (heap.length > 0) this.schedule(heap[0]!);
  }
}
