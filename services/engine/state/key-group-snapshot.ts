import type { Key } from '../api/functions.ts';
import { forEachMore, type KeyEntry, NO_INLINE } from './key-entry.ts';

/**
 * One key group of a heap backend's state, as columns: what a checkpoint stores per key group.
 * Self-describing (state names travel with it) and compact: a few arrays per group, not an object
 * per value. Row `i` (one stored value) is state `states[slots[i]]` at `namespaces[i]`, holding
 * `values[i]`; the rows of `keys[k]` are the next `counts[k]` rows, keys in order.
 *
 * @example
 * // two keys; 'a' has a value of state 'count', 'b' one of 'count' and one of 'last'
 * { states: ['count', 'last'], keys: ['a', 'b'], counts: Uint32Array [1, 2],
 *   slots: Uint16Array [0, 0, 1], namespaces: Float64Array [0, 0, 0], values: [3, 5, 21.5] }
 */
export interface KeyedStateGroup<K extends Key> {
  readonly states: readonly string[];
  readonly keys: readonly K[];
  readonly counts: Uint32Array;
  readonly slots: Uint16Array;
  readonly namespaces: Float64Array;
  readonly values: readonly unknown[];
}

/**
 * Turns one stored value into plain data sharing nothing with it (a snapshot is kept while state
 * changes). Spread window contents arrive as their entry (`window`, `state`, `registeredTimer`).
 */
export type StateValueWriter = (slot: number, value: unknown, namespace: number) => unknown;

/**
 * Stores one restored value for the backend's current key (`put`, or for window contents
 * `newWindowContents` and its fields). `slot` is the running backend's slot of the state.
 */
export type StateValueReader = (slot: number, namespace: number, data: unknown) => void;

/** A backend's state by key group, and how many keys it has. */
export interface KeyedStateSnapshot<K extends Key> {
  readonly groups: Map<number, KeyedStateGroup<K>>;
  readonly keys: number;
}

/** What {@link snapshotKeyGroups} needs of a backend. */
export interface SnapshotSource<K extends Key> {
  readonly stateNameList: readonly string[];
  forEachEntry(visit: (entry: KeyEntry, key: K) => void): void;
}

/** Groups a backend's entries by key group (cached in each entry) and writes each group's columns. */
export function snapshotKeyGroups<K extends Key>(
  source: SnapshotSource<K>,
  write: StateValueWriter,
): KeyedStateSnapshot<K> {
  const rowsOf = new Map<number, KeyRows<K>[]>();
  let count = 0;
  source.forEachEntry((entry, key) => {
    count++;
    const rows = writeKeyRows(key, entry, write);
    const group = rowsOf.get(entry.keyGroup);
    if (group === undefined) rowsOf.set(entry.keyGroup, [rows]);
    else group.push(rows);
  });
  const states = source.stateNameList.slice();
  const groups = new Map<number, KeyedStateGroup<K>>();
  for (const [group, rows] of rowsOf) groups.set(group, columnsOf(states, rows));
  return { groups, keys: count };
}

/** One key's stored values as a snapshot writes them: its rows of a `KeyedStateGroup`. */
export interface KeyRows<K extends Key> {
  readonly key: K;
  readonly slots: number[];
  readonly namespaces: number[];
  readonly values: unknown[];
}

/** The rows of `entry` (the entry of `key`), each value through `write`. */
export function writeKeyRows<K extends Key>(key: K, entry: KeyEntry, write: StateValueWriter): KeyRows<K> {
  const slots: number[] = [];
  const namespaces: number[] = [];
  const values: unknown[] = [];
  const add = (slot: number, namespace: number, value: unknown) => {
    slots.push(slot);
    namespaces.push(namespace);
    values.push(write(slot, value, namespace));
  };
  if (entry.slot !== NO_INLINE) add(entry.slot, entry.inlineNamespace, entry.inlineValue);
  if (entry.more !== undefined) forEachMore(entry, add);
  return { key, slots, namespaces, values };
}

/** A key group's columns from its keys' rows, keys in the order given. */
export function columnsOf<K extends Key>(
  states: readonly string[],
  keyRows: readonly KeyRows<K>[],
): KeyedStateGroup<K> {
  let rows = 0;
  for (const r of keyRows) rows += r.slots.length;
  const keys = new Array<K>(keyRows.length);
  const counts = new Uint32Array(keyRows.length);
  const slots = new Uint16Array(rows);
  const namespaces = new Float64Array(rows);
  const values = new Array<unknown>(rows);
  let row = 0;
  keyRows.forEach((r, k) => {
    keys[k] = r.key;
    counts[k] = r.slots.length;
    for (let i = 0; i < r.slots.length; i++, row++) {
      slots[row] = r.slots[i]!;
      namespaces[row] = r.namespaces[i]!;
      values[row] = r.values[i];
    }
  });
  return { states, keys, counts, slots, namespaces, values };
}

/** What {@link restoreKeyGroups} needs of a backend. */
export interface RestoreTarget<K extends Key> {
  registerState(name: string): number;
  setCurrentKey(key: K): void;
}

/**
 * Adds the state of snapshot groups (as {@link snapshotKeyGroups} wrote them) to a backend: for
 * every value, sets its key current and calls `read` with the running backend's slot of its state
 * (registered by name if new). Returns the number of keys restored. Throws a `TypeError` naming
 * the group when a group is not such columns.
 */
export function restoreKeyGroups<K extends Key>(
  target: RestoreTarget<K>,
  groups: Iterable<readonly [number, KeyedStateGroup<K>]>,
  read: StateValueReader,
): number {
  let restoredKeys = 0;
  for (const [group, columns] of groups) {
    checkGroup(group, columns);
    const slotOf = columns.states.map((name) => target.registerState(name));
    const { keys, counts, slots, namespaces, values } = columns;
    let row = 0;
    for (let k = 0; k < keys.length; k++) {
      target.setCurrentKey(keys[k]!);
      const end = row + counts[k]!;
      for (; row < end; row++) read(slotOf[slots[row]!]!, namespaces[row]!, values[row]);
    }
    restoredKeys += keys.length;
  }
  return restoredKeys;
}

function checkGroup(group: number, columns: KeyedStateGroup<Key>): void {
  const c = columns as Partial<KeyedStateGroup<Key>> | null;
  const ok =
    typeof c === 'object' &&
    c !== null &&
    Array.isArray(c.states) &&
    Array.isArray(c.keys) &&
    Array.isArray(c.values) &&
    c.counts !== undefined &&
    c.slots !== undefined &&
    c.namespaces !== undefined &&
    c.counts.length === c.keys.length &&
    c.slots.length === c.values.length &&
    c.namespaces.length === c.values.length;
  if (!ok) {
    throw new TypeError(
      `key group ${group} does not hold keyed state columns (states, keys, counts, slots, namespaces, values): ` +
        'the snapshot was written by another kind of operator or is damaged',
    );
  }
}
