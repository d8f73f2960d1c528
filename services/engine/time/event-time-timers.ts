import type { Key } from '../api/functions.ts';
import {
  forEachTimerToRestore,
  type KeyGroupSpan,
  popTime,
  pushTime,
  type TimerEntry,
  type TimersByKeyGroup,
  timerGrouper,
} from './time-heap.ts';
import { TimerBucket } from './timer-bucket.ts';

/**
 * Event-time timers per (key, namespace, time), deduplicated: registering the same timer twice
 * keeps one. `advanceTo(watermark)` fires every timer with `time <= watermark`, in time order.
 *
 * Many keys usually share few timer times (every key's 10 s window ends at the same instant), so
 * timers are stored by time: a min-heap of distinct times, each with a bucket of its keys and
 * namespaces (`TimerBucket`: keys fire in the order they registered).
 *
 * @example
 * const timers = new EventTimeTimers<string>();
 * timers.register('a', 0, 9_999);
 * timers.register('a', 0, 9_999); // deduplicated
 * timers.advanceTo(10_000, (key, ns, time) => console.log(key, ns, time)); // a 0 9999, once
 *
 * Snapshots are by key group (`snapshotByKeyGroup`); `restore` adds them back (all groups, or the
 * range a subtask owns after rescaling), and restored timers fire when the watermark passes them.
 */
export class EventTimeTimers<K extends Key> {
  /** Per time, its timers (a bucket: see `timer-bucket.ts`). */
  private readonly byTime = new Map<number, TimerBucket<K>>();
  private readonly heap: number[] = [];
  private count = 0;
  /**
   * The bucket used last: keys of a fixed-size assigner register one time after another, so
   * most registrations skip the look-up by time. Cleared when the bucket leaves `byTime`.
   */
  private last: TimerBucket<K> | undefined;
  /**
   * The time `advanceTo` is firing (NaN when not firing). Its bucket has left `byTime`, so
   * deleting a timer at that time finds nothing, unless a timer was registered at it while
   * firing (`refilled`); `delete` skips the look-up otherwise (a window's cleanup deletes the
   * timer that is firing, twice).
   */
  private firingTime = Number.NaN;
  private refilled = false;

  register(key: K, namespace: number, time: number): void {
    if (this.bucket(time).add(key, namespace)) this.count++;
  }

  /**
   * `register` for a timer the caller knows is not registered, and whose key registers no other
   * timer at `time` this way: a window's cleanup timer when the window is created, for windows of
   * one fixed size. Skips the deduplication (no hashing of the key) while the time's timers were
   * only registered this way.
   */
  registerNew(key: K, namespace: number, time: number): void {
    if (this.bucket(time).addNew(key, namespace)) this.count++;
  }

  delete(key: K, namespace: number, time: number): void {
    if (time === this.firingTime && !this.refilled) return; // nothing left at that time
    const last = this.last;
    const bucket = last !== undefined && last.time === time ? last : this.byTime.get(time);
    if (bucket === undefined || !bucket.remove(key, namespace)) return;
    this.count--;
    if (bucket.size === 0) this.removeBucket(bucket); // its heap entry is skipped when popped
  }

  /**
   * Fires, in time order, every timer at or before `watermark`. Timers registered while firing
   * fire too if due. With a `limit`, fires about that many (a key's timers at one time fire
   * together) and returns false if some due ones are left: they stay pending, in their order,
   * and the next call goes on with them (snapshots and deletes see them as any pending timer).
   */
  advanceTo(
    watermark: number,
    onTimer: (key: K, namespace: number, time: number) => void,
    limit = Number.POSITIVE_INFINITY,
  ): boolean {
    let budget = limit;
    const heap = this.heap;
    while (heap.length > 0 && heap[0]! <= watermark) {
      if (budget <= 0) return false;
      const time = popTime(heap);
      const bucket = this.byTime.get(time);
      if (bucket === undefined) continue;
      this.removeBucket(bucket);
      budget = this.fire(bucket, onTimer, budget);
    }
    return true;
  }

  /**
   * Fires `bucket`'s timers while `budget` lasts; the rest go back as the time's pending timers
   * (before any registered at that time meanwhile). Returns the budget left.
   */
  private fire(
    bucket: TimerBucket<K>,
    onTimer: (key: K, namespace: number, time: number) => void,
    budget: number,
  ): number {
    const time = bucket.time;
    this.firingTime = time;
    this.refilled = false;
    let left = budget;
    try {
      const { keys, namespaces } = bucket;
      for (let i = bucket.start; i < keys.length; i++) {
        const key = keys[i];
        if (key === undefined) continue;
        if (left <= 0) {
          bucket.resumeAt(i);
          this.putBack(bucket);
          return 0;
        }
        const held = namespaces[i]!;
        if (typeof held === 'number') {
          this.count--;
          left--;
          onTimer(key, time - held, time);
          continue;
        }
        for (const namespace of held) {
          this.count--;
          left--;
          onTimer(key, namespace, time);
        }
      }
    } finally {
      this.firingTime = Number.NaN;
    }
    return left;
  }

  /** A time's partly fired timers, pending again, ahead of any registered at that time since. */
  private putBack(rest: TimerBucket<K>): void {
    const refilled = this.byTime.get(rest.time);
    if (refilled !== undefined) {
      this.removeBucket(refilled);
      refilled.forEach((key, namespace) => {
        if (!rest.add(key, namespace)) this.count--; // already pending: deduplicated
      });
    } else {
      pushTime(this.heap, rest.time);
    }
    if (rest.size > 0) this.byTime.set(rest.time, rest);
  }

  get size(): number {
    return this.count;
  }

  /** Every pending timer, for snapshots. */
  *entries(): IterableIterator<{ key: K; namespace: number; time: number }> {
    for (const bucket of this.byTime.values()) {
      const timers: { key: K; namespace: number; time: number }[] = [];
      bucket.forEach((key, namespace) => {
        timers.push({ key, namespace, time: bucket.time });
      });
      yield* timers;
    }
  }

  /**
   * Every pending timer, grouped by the key group of its key: what a checkpoint stores. The
   * result shares nothing with the service (timers registered or fired later do not change it).
   * Timers with `time - namespace === skipDelta` are left out: an owner that can register them
   * again from its own state (a window operator's cleanup timers) keeps its snapshots small.
   *
   * @example
   * const groups = timers.snapshotByKeyGroup((key) => keyGroupOf(key, 128));
   * // Map { 17 => [['a', 0, 9999]], ... }
   */
  snapshotByKeyGroup(keyGroupOf: (key: K) => number, skipDelta = Number.NaN): TimersByKeyGroup<K> {
    const grouper = timerGrouper(keyGroupOf);
    for (const bucket of this.byTime.values()) {
      const time = bucket.time;
      bucket.forEach((key, namespace) => {
        if (time - namespace !== skipDelta) grouper.add(key, namespace, time);
      });
    }
    return grouper.groups;
  }

  /**
   * Adds the timers of a snapshot: every group, or only the groups in `owned` (rescaling).
   * Deduplicated against the timers already here, as `register` is. Restored timers fire on the
   * first watermark at or after their time, as Flink's do.
   */
  restore(groups: Iterable<readonly [number, readonly TimerEntry<K>[]]>, owned?: KeyGroupSpan): void {
    forEachTimerToRestore(groups, owned, (key, namespace, time) => this.register(key, namespace, time));
  }

  /** The bucket of `time`, made when there is none. */
  private bucket(time: number): TimerBucket<K> {
    const last = this.last;
    if (last !== undefined && last.time === time) return last;
    let bucket = this.byTime.get(time);
    if (bucket === undefined) {
      bucket = new TimerBucket<K>(time);
      this.byTime.set(time, bucket);
      pushTime(this.heap, time);
      if (time === this.firingTime) this.refilled = true;
    }
    this.last = bucket;
    return bucket;
  }

  private removeBucket(bucket: TimerBucket<K>): void {
    this.byTime.delete(bucket.time);
    if (this.last === bucket) this.last = undefined;
  }
}
