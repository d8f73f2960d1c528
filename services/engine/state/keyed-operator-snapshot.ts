import type { Key } from '../api/functions.ts';
import { DeferredKeyGroup } from '../checkpoint/deferred-key-group.ts';
import type { EventTimeTimers } from '../time/event-time-timers.ts';
import type { ProcessingTimeTimers } from '../time/processing-time-timers.ts';
import type { TimerEntry } from '../time/time-heap.ts';
import type { HeapKeyedStateBackend } from './heap-keyed-state-backend.ts';
import type { KeyedStateGroup, StateValueReader, StateValueWriter } from './key-group-snapshot.ts';

/**
 * One key group of a keyed operator's checkpoint (keyed process, window): its keyed state as
 * columns (see `KeyedStateGroup`) and its pending timers as `[key, namespace, time]`.
 */
export interface KeyedOperatorGroup<K extends Key> {
  state?: KeyedStateGroup<K>;
  eventTimers?: TimerEntry<K>[];
  processingTimers?: TimerEntry<K>[];
}

/** What the checkpoints of a keyed operator read and write: its state backend and timers. */
export interface KeyedOperatorParts<K extends Key> {
  readonly backend: HeapKeyedStateBackend<K>;
  readonly eventTimers: EventTimeTimers<K>;
  readonly processingTimers: ProcessingTimeTimers<K>;
  /**
   * Timers left out of snapshots because the operator restores them from its state: those whose
   * `time - namespace` is this (a window operator's cleanup timers, `[start, end)` of a fixed size).
   */
  readonly implicitTimers?: { readonly eventTime?: number; readonly processingTime?: number };
}

/**
 * Snapshots the keyed state and the timers by key group. The timers are copied now; the state is
 * captured copy-on-write (`HeapKeyedStateBackend.captureKeyGroups`): a group with state is a
 * `DeferredKeyGroup` resolving to its `KeyedOperatorGroup`, so the pause does not grow with the
 * keys. Values go through `write` (default: deep copies of the stored values: `{ value, ts }` with
 * TTL, a `Map` for map state). Shares nothing with the operator when `write` copies. `keys`: keys
 * with state.
 */
export function snapshotKeyedOperator<K extends Key>(
  parts: KeyedOperatorParts<K>,
  write?: StateValueWriter,
): { groups: Map<number, KeyedOperatorGroup<K> | DeferredKeyGroup>; keys: number } {
  const backend = parts.backend;
  const groupOf = (key: K) => backend.keyGroupOfKey(key);
  const timers = new Map<number, KeyedOperatorGroup<K>>();
  const at = (group: number) => {
    let entry = timers.get(group);
    if (entry === undefined) {
      entry = {};
      timers.set(group, entry);
    }
    return entry;
  };
  const skip = parts.implicitTimers;
  for (const [group, list] of parts.eventTimers.snapshotByKeyGroup(groupOf, skip?.eventTime)) {
    at(group).eventTimers = list;
  }
  for (const [group, list] of parts.processingTimers.snapshotByKeyGroup(groupOf, skip?.processingTime)) {
    at(group).processingTimers = list;
  }
  const state = backend.captureKeyGroups(write);
  const groups = new Map<number, KeyedOperatorGroup<K> | DeferredKeyGroup>();
  for (const [group, columns] of state.groups) {
    const groupTimers = timers.get(group);
    groups.set(
      group,
      new DeferredKeyGroup(() => ({ state: columns.resolve() as KeyedStateGroup<K>, ...groupTimers })),
    );
  }
  for (const [group, groupTimers] of timers) if (!groups.has(group)) groups.set(group, groupTimers);
  return { groups, keys: state.keys };
}

/**
 * Restores key groups written by {@link snapshotKeyedOperator} into a freshly opened operator
 * (pass only the groups it owns); values go through `read` (default: `put` of a copy). Restored
 * event-time timers fire when the watermark passes them, processing-time ones due already on the
 * next clock callback.
 */
export function restoreKeyedOperator<K extends Key>(
  parts: KeyedOperatorParts<K>,
  groups: Iterable<readonly [number, unknown]>,
  read?: StateValueReader,
): void {
  const states: [number, KeyedStateGroup<K>][] = [];
  const eventTimers: [number, TimerEntry<K>[]][] = [];
  const processingTimers: [number, TimerEntry<K>[]][] = [];
  for (const [group, raw] of groups) {
    const data = raw as KeyedOperatorGroup<K> | null;
    if (typeof data !== 'object' || data === null) {
      throw new TypeError(
        `key group ${group} of a keyed operator's snapshot is not an object: the snapshot is damaged`,
      );
    }
    if (data.state !== undefined) states.push([group, data.state]);
    if (data.eventTimers !== undefined) eventTimers.push([group, data.eventTimers]);
    if (data.processingTimers !== undefined) processingTimers.push([group, data.processingTimers]);
  }
  parts.backend.restoreKeyGroups(states, read);
  parts.eventTimers.restore(eventTimers);
  parts.processingTimers.restore(processingTimers);
}
