import type { Key } from '../api/functions.ts';
import { DeferredKeyGroup, resolveKeyGroup } from '../checkpoint/deferred-key-group.ts';
import { CopyOnWriteCapture } from './copy-on-write-capture.ts';
import type { KeyEntry } from './key-entry.ts';
import { columnsOf, type KeyRows, type StateValueWriter, writeKeyRows } from './key-group-snapshot.ts';

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
  /** The writer of the capture in progress (`begin` sets it). */
  private write: StateValueWriter | undefined;
  private readonly cow = new CopyOnWriteCapture<K, KeyEntry, KeyRows<K>>((key, entry) =>
    writeKeyRows(key, entry, this.write!),
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
    const captured = this.cow.begin(entries); // an unresolved earlier capture finishes with its own writer
    this.write = write;
    const groups = new Map<number, DeferredKeyGroup>();
    for (const [group, rows] of captured) {
      groups.set(group, new DeferredKeyGroup(() => columnsOf(states, resolveKeyGroup(rows) as KeyRows<K>[])));
    }
    return { groups, keys: entries.size };
  }

  /** Call before `entry` (of `key`) may change: saves it first if the capture needs it. */
  beforeWrite(key: K, entry: KeyEntry): void {
    this.cow.beforeWrite(key, entry);
  }
}
