/**
 * A binary min-heap of timestamps in a plain array: the queue of distinct timer times that both
 * timer services keep (many timers share a time, so the heap stays small).
 *
 * @example
 * const heap: number[] = [];
 * pushTime(heap, 30); pushTime(heap, 10); pushTime(heap, 20);
 * popTime(heap); // 10
 */
export function pushTime(heap: number[], time: number): void {
  heap.push(time);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= time) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = time;
}

/** Removes and returns the earliest time; the heap must not be empty. */
export function popTime(heap: number[]): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]! < heap[left]! ? right : left;
      if (heap[child]! >= last) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
  return top;
}

/** One pending timer as snapshots store it: `[key, namespace, time]`. */
export type TimerEntry<K> = readonly [key: K, namespace: number, time: number];

/**
 * Pending timers by key group: the shape both timer services snapshot to and restore from. A
 * subtask restores only the groups it owns, which is how timers follow their keys on rescaling.
 */
export type TimersByKeyGroup<K> = Map<number, TimerEntry<K>[]>;

/** An inclusive range of key groups, `[start, end]` (as `keyGroupRange` in `key-groups.ts` returns). */
export interface KeyGroupSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * Collects timers into a {@link TimersByKeyGroup}. `keyGroupOf` runs once per timer and hashing
 * dominates a snapshot's cost, so pass a lookup of the key group the keyed state already cached
 * for the key where there is one.
 */
export function timerGrouper<K>(keyGroupOf: (key: K) => number): {
  add(key: K, namespace: number, time: number): void;
  readonly groups: TimersByKeyGroup<K>;
} {
  // by group number in an array while adding (key groups are small integers), as a Map at the end
  const byGroup: (TimerEntry<K>[] | undefined)[] = [];
  return {
    add(key, namespace, time) {
      const group = keyGroupOf(key);
      const entries = byGroup[group];
      if (entries === undefined) byGroup[group] = [[key, namespace, time]];
      else entries.push([key, namespace, time]);
    },
    get groups() {
      const groups: TimersByKeyGroup<K> = new Map();
      byGroup.forEach((entries, group) => {
        if (entries !== undefined) groups.set(group, entries);
      });
      return groups;
    },
  };
}

/**
 * Calls `add` for each timer of the groups to restore: every group, or only those in `owned` (a
 * subtask's range after rescaling). Takes a `Map` or its entries (e.g. as decoded from a snapshot).
 */
export function forEachTimerToRestore<K>(
  groups: Iterable<readonly [number, readonly TimerEntry<K>[]]>,
  owned: KeyGroupSpan | undefined,
  add: (key: K, namespace: number, time: number) => void,
): void {
  for (const [group, entries] of groups) {
    if (owned !== undefined && (group < owned.start || group > owned.end)) continue;
    for (let i = 0; i < entries.length; i++) {
      const [key, namespace, time] = entries[i]!;
      add(key, namespace, time);
    }
  }
}
