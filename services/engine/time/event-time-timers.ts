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

/**
 * Event-time timers per (key, namespace, time), deduplicated: registering the same timer twice
 * keeps one. `advanceTo(watermark)` fires every timer with `time <= watermark`, in time order.
 *
 * Many keys usually share few timer times (every key's 10 s window ends at the same instant), so
 * timers are stored by time: a min-heap of distinct times, each with its keys and namespaces.
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
/** One namespace of a (time, key) as stored: `time - namespace` if that gives it back exactly, else a list. */
function packed(time: number, namespace: number): number | number[] {
  const delta = time - namespace;
  return time - delta === namespace ? delta : [namespace];
}

export class EventTimeTimers<K extends Key> {
  /**
   * Per time, per key: its one namespace as `time - namespace` (a window's end minus its start: a
   * small integer V8 stores unboxed, where the start itself would be a 16-byte heap number), or
   * (rare: several windows of a key end together, or a namespace the difference cannot give back
   * exactly) the list of namespaces.
   */
  private readonly byTime = new Map<number, Map<K, number | number[]>>();
  private readonly heap: number[] = [];
  private count = 0;

  register(key: K, namespace: number, time: number): void {
    let keys = this.byTime.get(time);
    if (keys === undefined) {
      keys = new Map();
      this.byTime.set(time, keys);
      pushTime(this.heap, time);
    }
    const namespaces = keys.get(key);
    if (namespaces === undefined) keys.set(key, packed(time, namespace));
    else if (typeof namespaces === 'number') {
      const only = time - namespaces;
      if (only === namespace) return;
      keys.set(key, [only, namespace]);
    } else if (namespaces.includes(namespace)) return;
    else namespaces.push(namespace);
    this.count++;
  }

  delete(key: K, namespace: number, time: number): void {
    const keys = this.byTime.get(time);
    const namespaces = keys?.get(key);
    if (keys === undefined || namespaces === undefined) return;
    if (typeof namespaces === 'number') {
      if (time - namespaces !== namespace) return;
      keys.delete(key);
    } else {
      const at = namespaces.indexOf(namespace);
      if (at < 0) return;
      namespaces.splice(at, 1);
      if (namespaces.length === 1) keys.set(key, packed(time, namespaces[0]!));
    }
    this.count--;
    if (keys.size === 0) this.byTime.delete(time); // its heap entry is skipped when popped
  }

  /** Fires, in time order, every timer at or before `watermark`. Timers registered while firing fire too if due. */
  advanceTo(watermark: number, onTimer: (key: K, namespace: number, time: number) => void): void {
    while (this.heap.length > 0 && this.heap[0]! <= watermark) {
      const time = popTime(this.heap);
      const keys = this.byTime.get(time);
      if (keys === undefined) continue;
      this.byTime.delete(time);
      for (const [key, namespaces] of keys) {
        if (typeof namespaces === 'number') {
          this.count--;
          onTimer(key, time - namespaces, time);
          continue;
        }
        for (const namespace of namespaces) {
          this.count--;
          onTimer(key, namespace, time);
        }
      }
    }
  }

  get size(): number {
    return this.count;
  }

  /** Every pending timer, for snapshots. */
  *entries(): IterableIterator<{ key: K; namespace: number; time: number }> {
    for (const [time, keys] of this.byTime) {
      for (const [key, namespaces] of keys) {
        if (typeof namespaces === 'number') yield { key, namespace: time - namespaces, time };
        else for (const namespace of namespaces) yield { key, namespace, time };
      }
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
    for (const [time, keys] of this.byTime) {
      for (const [key, namespaces] of keys) {
        if (typeof namespaces === 'number') {
          if (namespaces !== skipDelta) grouper.add(key, time - namespaces, time);
          continue;
        }
        for (const namespace of namespaces) {
          if (time - namespace !== skipDelta) grouper.add(key, namespace, time);
        }
      }
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
}
