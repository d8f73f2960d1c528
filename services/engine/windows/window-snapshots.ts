import type { Key } from '../api/functions.ts';
import type { DeferredKeyGroup } from '../checkpoint/deferred-key-group.ts';
import { copyPlain } from '../state/copy-plain.ts';
import type { HeapKeyedStateBackend } from '../state/heap-keyed-state-backend.ts';
import {
  type KeyedOperatorGroup,
  type KeyedOperatorParts,
  restoreKeyedOperator,
  snapshotKeyedOperator,
} from '../state/keyed-operator-snapshot.ts';
import { MAX_WATERMARK } from '../time/watermark.ts';
import { MergingWindowSet } from './merging-window-set.ts';
import { TimeWindow } from './time-window.ts';
import { emptyMergingContents, newWindowContents, type WindowContents } from './window-contents.ts';

/** The parts of a window operator its checkpoints read and write. */
export interface WindowCheckpointParts<K extends Key, S> extends KeyedOperatorParts<K> {
  readonly contentsSlot: number;
  readonly windowSetSlot: number;
  readonly merging: boolean;
  /**
   * For windows of one fixed size that do not merge: `cleanupTime - start`, the same for every
   * window. Their cleanup timers are then left out of snapshots and registered again on restore
   * (every live window has its cleanup timer pending, and no other window does): a tumbling-window
   * operator's snapshot holds no timers at all.
   */
  readonly cleanupDelta: number | undefined;
  /** The size of every window, for windows of one fixed size that do not merge (their end is then `start + size`). */
  readonly windowSize: number | undefined;
  /** True when the operator's windows close in event time (their cleanup timers are event-time timers). */
  readonly eventTime: boolean;
  /** A window's state (accumulator or records) as plain data sharing nothing with it. */
  writeState(state: S): unknown;
  /** The window state back from {@link writeState}'s data. */
  readState(data: unknown): S;
}

/**
 * Snapshots a window operator's keyed state and timers by key group (see `KeyedOperatorGroup`).
 * Window contents are stored as their state in the plain form the operator gives it (an
 * accumulator's copy, or the records), wrapped as `[start, end, state]` unless windows have one
 * fixed size and do not merge (then the namespace is the start); a merging window set as
 * `[start, end, namespace, ...]`; trigger state as deep copies. Timers now, state copy-on-write (deferred key groups).
 */
export function snapshotWindowGroups<K extends Key, S>(
  parts: WindowCheckpointParts<K, S>,
): { groups: Map<number, KeyedOperatorGroup<K> | DeferredKeyGroup>; keys: number } {
  const { contentsSlot, windowSetSlot, writeState, cleanupDelta, eventTime, windowSize } = parts;
  const implicitTimers = eventTime ? { eventTime: cleanupDelta } : { processingTime: cleanupDelta };
  return snapshotKeyedOperator({ ...parts, implicitTimers }, (slot, value) => {
    if (slot === contentsSlot) {
      const contents = value as WindowContents<S>;
      const inner = contents.state === undefined ? undefined : writeState(contents.state);
      if (windowSize !== undefined) return inner; // the window is [namespace, namespace + size)
      return [contents.window.start, contents.window.end, inner];
    }
    if (slot === windowSetSlot) return flattenWindowSet(value as MergingWindowSet);
    return copyPlain(value);
  });
}

/**
 * Restores key groups written by {@link snapshotWindowGroups} into a freshly opened operator: window
 * contents as new contents (spread into the key's entry where there is room), merging window sets,
 * trigger state and timers. Returns the largest namespace of a merging window restored (-1 if
 * none), so that the operator's next namespace follows it.
 */
export function restoreWindowGroups<K extends Key, S>(
  parts: WindowCheckpointParts<K, S>,
  groups: Iterable<readonly [number, unknown]>,
): number {
  const { backend, contentsSlot, windowSetSlot, merging, readState, cleanupDelta, windowSize } = parts;
  const cleanupTimers = parts.eventTime ? parts.eventTimers : parts.processingTimers;
  let maxNamespace = -1;
  restoreKeyedOperator(parts, groups, (slot, namespace, data) => {
    if (slot === contentsSlot) {
      let start = namespace;
      let end = namespace + (windowSize ?? 0);
      let inner = data;
      if (windowSize === undefined) [start, end, inner] = data as [number, number, unknown];
      const window = new TimeWindow(start, end);
      let contents: WindowContents<S>;
      if (merging) {
        contents = emptyMergingContents<S>(window, namespace);
        backend.put(slot, namespace, contents);
        if (namespace > maxNamespace) maxNamespace = namespace;
      } else {
        contents = newWindowContents<S>(backend as HeapKeyedStateBackend<Key>, slot, window);
        const cleanup = cleanupDelta === undefined ? MAX_WATERMARK : start + cleanupDelta;
        if (cleanup < MAX_WATERMARK) cleanupTimers.register(backend.currentKey, start, cleanup);
      }
      // the timer memo starts empty: the next registration of a timer the window has is a no-op anyway
      contents.state = inner === undefined ? undefined : readState(inner);
    } else if (slot === windowSetSlot) {
      const set = unflattenWindowSet(data as number[]);
      for (const active of set.windows) if (active.namespace > maxNamespace) maxNamespace = active.namespace;
      backend.put(slot, namespace, set);
    } else {
      backend.put(slot, namespace, copyPlain(data));
    }
  });
  return maxNamespace;
}

/** A merging window set as `[start, end, namespace, ...]`. */
function flattenWindowSet(set: MergingWindowSet): number[] {
  const flat: number[] = [];
  for (const { window, namespace } of set.windows) flat.push(window.start, window.end, namespace);
  return flat;
}

function unflattenWindowSet(flat: readonly number[]): MergingWindowSet {
  const set = new MergingWindowSet();
  for (let i = 0; i + 2 < flat.length; i += 3) {
    set.windows.push({ window: new TimeWindow(flat[i]!, flat[i + 1]!), namespace: flat[i + 2]! });
  }
  return set;
}
