import type { Key } from '../api/functions.ts';
import { DeferredKeyGroup } from '../checkpoint/deferred-key-group.ts';
import { CopyOnWriteCapture } from './copy-on-write-capture.ts';
import { copyPlain } from './copy-plain.ts';
import { forEachMore, type KeyEntry, NO_INLINE } from './key-entry.ts';
import type { KeyedStateGroup, StateValueWriter } from './key-group-snapshot.ts';

/** One key's values as a snapshot writes them (through its `StateValueWriter`). */
interface SavedKeyRows<K extends Key> {
  readonly key: K;
  readonly slots: number[];
  readonly namespaces: number[];
  readonly values: unknown[];
}

/**
 * Copy-on-write checkpoints of a heap keyed state backend (Flink's `CopyOnWriteStateMap`
 * snapshots): `begin` lists the keys by key group, each group a `DeferredKeyGroup` that resolves
 * to the same columns `snapshotKeyGroups` writes (`KeyedStateGroup`). The backend calls
 * `beforeWrite` when a key becomes current (every read and write of its state follows) and before
 * a sweep visits it, so a key's values are written out, as they were at the barrier, before
 * anything can change them; the keys nobody touched are written when their group resolves.
 *
 * @example
 * const { groups, keys } = capture.begin(entries, ['acc'], (slot, v) => copyPlain(v));
 * // later records: backend.setCurrentKey(k) → capture.beforeWrite(k, entry)
 * resolveKeyGroup(groups.get(17)); // { states: ['acc'], keys: [...], counts, slots, namespaces, values }
 */
export class KeyedStateCapture<K extends Key> {
  private write: StateValueWriter = (_slot, value) => copyPlain(value);
  private readonly cow = new CopyOnWriteCapture<K, KeyEntry, SavedKeyRows<K>>((key, entry) =>
    rowsOf(key, entry, this.write),
  );

  /** Whether a capture still needs keys saved (what makes `beforeWrite` worth calling). */
  get capturing(): boolean {
    return this.cow.capturing;
  }

  /** Captures `entries` as they are now; `states` names the slots, `write` writes each value. */
  begin(
    entries: ReadonlyMap<K, KeyEntry>,
    states: readonly string[],
    write: StateValueWriter,
  ): { groups: Map<number, DeferredKeyGroup>; keys: number } {
    this.write = write;
    const groups = new Map<number, DeferredKeyGroup>();
    for (const [group, rows] of this.cow.begin(entries)) {
      groups.set(
        group,
        new DeferredKeyGroup(() =>
          columnsOf(states, (rows instanceof DeferredKeyGroup ? rows.resolve() : rows) as SavedKeyRows<K>[]),
        ),
      );
    }
    return { groups, keys: entries.size };
  }

  /** Call before `entry` (of `key`) may change: saves it first if the capture needs it. */
  beforeWrite(key: K, entry: KeyEntry): void {
    this.cow.beforeWrite(key, entry);
  }
}

function rowsOf<K extends Key>(key: K, entry: KeyEntry, write: StateValueWriter): SavedKeyRows<K> {
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

/** The columns of a key group from its keys' saved rows (in the order `begin` listed them). */
function columnsOf<K extends Key>(
  states: readonly string[],
  saved: readonly SavedKeyRows<K>[],
): KeyedStateGroup<K> {
  let rows = 0;
  for (const s of saved) rows += s.slots.length;
  const keys = new Array<K>(saved.length);
  const counts = new Uint32Array(saved.length);
  const slots = new Uint16Array(rows);
  const namespaces = new Float64Array(rows);
  const values = new Array<unknown>(rows);
  let row = 0;
  saved.forEach((s, k) => {
    keys[k] = s.key;
    counts[k] = s.slots.length;
    for (let i = 0; i < s.slots.length; i++, row++) {
      slots[row] = s.slots[i]!;
      namespaces[row] = s.namespaces[i]!;
      values[row] = s.values[i];
    }
  });
  return { states, keys, counts, slots, namespaces, values };
}
