import type { Key } from '../api/functions.ts';
import type { DeferredKeyGroup } from '../checkpoint/deferred-key-group.ts';
import { keyGroupOf } from '../key-groups.ts';
import { copyPlain } from './copy-plain.ts';
import {
  addMore,
  forEachMore,
  getMore,
  KeyEntry,
  NO_INLINE,
  removeMore,
  replaceMore,
  type SpreadWindow,
  ValueMaps,
} from './key-entry.ts';
import {
  type KeyedStateGroup,
  type KeyedStateSnapshot,
  restoreKeyGroups,
  type StateValueReader,
  type StateValueWriter,
  snapshotKeyGroups,
} from './key-group-snapshot.ts';
import { KeyedStateCapture } from './keyed-state-capture.ts';

/**
 * Keyed, namespaced state on the heap. A stateful operator sets the current key, then reads and
 * writes its registered states under a namespace (a window's start, or `VOID_NAMESPACE`).
 *
 * Layout, in a few sentences: one map from key to a {@link KeyEntry}. The entry holds the key's
 * first value in its own fields (*inline*), where it stays until removed, and further values in
 * `more`: a flat list of `slot, namespace, value` triples, then per-state maps when many. A window
 * operator may *spread* a window's contents into the inline place (`putSpread`): the entry is then
 * those contents itself (window, state, timer), so a key with one open window costs one object
 * besides its accumulator. Each entry keeps its key's group, hashed when the entry is created (a
 * checkpoint lists the keys by group without hashing them); the record path costs one map
 * look-up. A key whose state is all gone is dropped, so memory follows live keys.
 *
 * Values are stored as given (the heap backend never copies): keyed state handles (`ValueState`…,
 * see `keyed-state-store.ts`) store JSON-safe values, except `MapState`, which stores a `Map`
 * (snapshot form: its entries), and TTL-enabled states, which wrap values as `{ value, ts }`.
 */
export const VOID_NAMESPACE = 0;

/**
 * Rewrites one stored value during a {@link HeapKeyedStateBackend.sweep}: returns the value to
 * keep (the same one, possibly mutated in place, or a replacement), or `undefined` to remove it.
 */
export type SweepFunction = (value: unknown, namespace: number) => unknown;

export class HeapKeyedStateBackend<K extends Key> {
  private readonly entries = new Map<K, KeyEntry>();
  private readonly stateNames: string[] = [];
  private current: KeyEntry | undefined;
  private currentKeyValue: K | undefined;
  /** A checkpoint's copy-on-write capture (see `captureKeyGroups`). */
  private readonly capture = new KeyedStateCapture<Key>();
  /** Where the incremental sweep resumes (a live iterator: keys added later are reached too). */
  private sweepCursor: Iterator<[K, KeyEntry]> | undefined;

  constructor(readonly maxParallelism: number) {}

  /** Registers a named state; returns its slot. Registering the same name twice returns the same slot. */
  registerState(name: string): number {
    const existing = this.stateNames.indexOf(name);
    if (existing >= 0) return existing;
    this.stateNames.push(name);
    return this.stateNames.length - 1;
  }

  setCurrentKey(key: K): void {
    this.currentKeyValue = key;
    const entry = this.entries.get(key);
    this.current = entry;
    if (entry !== undefined && this.capture.capturing) this.capture.beforeWrite(key, entry);
  }

  get currentKey(): K {
    if (this.currentKeyValue === undefined) throw new Error('no current key: setCurrentKey() first');
    return this.currentKeyValue;
  }

  /** The current key's value of `slot` at `namespace` (spread window contents: the entry standing for them). */
  get<V>(slot: number, namespace: number): V | undefined {
    const entry = this.current;
    if (entry === undefined) return undefined;
    if (entry.holdsInline(slot, namespace)) return entry.inlineValue as V;
    return getMore(entry, slot, namespace) as V | undefined;
  }

  put<V>(slot: number, namespace: number, value: V): void {
    const entry = this.current ?? this.createEntry();
    if (entry.holdsInline(slot, namespace)) entry.setInline(slot, namespace, value);
    else if (replaceMore(entry, slot, namespace, value)) return;
    else if (entry.slot === NO_INLINE) entry.setInline(slot, namespace, value);
    else addMore(entry, slot, namespace, value);
  }

  /**
   * New, empty window contents for `window` (namespace: its start) under `slot`, spread into the
   * current key's entry when its inline place is free: returns the entry, which then *is* the
   * contents (`window`, `state`, `registeredTimer`) until `remove(slot, window.start)`. Returns
   * `undefined` when the place is taken: the caller then `put`s a contents object. The window
   * must not have contents yet. Spread contents are never swept; snapshots see them as
   * `{ window, state, registeredTimer }`.
   */
  putSpread(slot: number, window: SpreadWindow): KeyEntry | undefined {
    const entry = this.current ?? this.createEntry();
    if (entry.slot !== NO_INLINE) return undefined;
    entry.spread(slot, window);
    return entry;
  }

  remove(slot: number, namespace: number): void {
    const entry = this.current;
    if (entry === undefined) return;
    if (entry.holdsInline(slot, namespace)) entry.clearInline();
    else if (!removeMore(entry, slot, namespace)) return;
    if (entry.slot === NO_INLINE && entry.more === undefined) {
      this.entries.delete(this.currentKeyValue!);
      this.current = undefined;
    }
  }

  /** Namespaces holding a value of `slot` for the current key. */
  namespaces(slot: number): number[] {
    const entry = this.current;
    const found: number[] = [];
    if (entry === undefined) return found;
    if (entry.slot === slot) found.push(entry.inlineNamespace);
    forEachMore(entry, (s, namespace) => {
      if (s === slot) found.push(namespace);
    });
    return found;
  }

  /**
   * Incremental cleanup: visits the next `maxKeys` keys (resuming where the previous call stopped,
   * wrapping around; each key at most once per call) and passes every value of the slots that have
   * a function in `sweepers` through it. Removed values are freed like `remove` frees them, for any
   * key (the current key stays current). Returns the number of values removed.
   *
   * @example
   * // drop every value of slot 0 that is an expired `{ value, ts }`
   * backend.sweep(5, [(v) => ((v as { ts: number }).ts + ttl <= now ? undefined : v)]);
   */
  sweep(maxKeys: number, sweepers: readonly (SweepFunction | undefined)[]): number {
    let budget = Math.min(maxKeys, this.entries.size);
    let removed = 0;
    while (budget-- > 0) {
      let next = this.sweepCursor?.next();
      if (next === undefined || next.done) {
        this.sweepCursor = this.entries.entries();
        next = this.sweepCursor.next();
        if (next.done) break;
      }
      const [key, entry] = next.value;
      if (this.capture.capturing) this.capture.beforeWrite(key, entry);
      removed += sweepEntry(entry, sweepers);
      if (entry.slot === NO_INLINE && entry.more === undefined) {
        this.entries.delete(key);
        if (this.current === entry) this.current = undefined;
      }
    }
    return removed;
  }

  /** Keys with any state. */
  get keyCount(): number {
    return this.entries.size;
  }

  /** (key, state, namespace) values held. */
  get entryCount(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.size;
    return total;
  }

  /** Names of the registered states, by slot. */
  get stateNameList(): readonly string[] {
    return this.stateNames;
  }

  /** The key group of `key`: cached in its entry when it has state, else hashed. */
  keyGroupOfKey(key: K): number {
    return this.entries.get(key)?.keyGroup ?? keyGroupOf(key, this.maxParallelism);
  }

  /** Visits every key's entry (for snapshots). */
  forEachEntry(visit: (entry: KeyEntry, key: K) => void): void {
    this.entries.forEach(visit);
  }

  /**
   * All state as columns per key group (see `KeyedStateGroup`), each value passed through `write`
   * (default: a deep copy of plain data), and the number of keys. Synchronous, hashes nothing (key
   * groups are cached in the entries); the result shares nothing with the backend when `write` copies.
   */
  snapshotKeyGroups(write: StateValueWriter = (_slot, value) => copyPlain(value)): KeyedStateSnapshot<K> {
    return snapshotKeyGroups(this, write);
  }

  /**
   * The same columns, captured copy-on-write (see `KeyedStateCapture`): each key group deferred,
   * written when the encoder resolves it, or key by key before a later record touches the key.
   */
  captureKeyGroups(write: StateValueWriter = (_slot, value) => copyPlain(value)): {
    groups: Map<number, DeferredKeyGroup>;
    keys: number;
  } {
    const captured = this.capture.begin(this.entries, this.stateNames.slice(), write);
    // the current key may be written without another setCurrentKey: saved now
    if (this.current !== undefined) this.capture.beforeWrite(this.currentKeyValue!, this.current);
    return captured;
  }

  /**
   * Adds the state of snapshot groups (only pass the groups this backend owns): each value is
   * stored by `read` for its key (default: `put` of a deep copy). Returns the keys restored.
   */
  restoreKeyGroups(
    groups: Iterable<readonly [number, KeyedStateGroup<K>]>,
    read: StateValueReader = (slot, namespace, data) => this.put(slot, namespace, copyPlain(data)),
  ): number {
    return restoreKeyGroups(this, groups, read);
  }

  /** All state, grouped by key group, as objects per key (for inspection and tests; snapshots use `snapshotKeyGroups`). */
  byKeyGroup(): Map<number, { key: K; states: Record<string, [number, unknown][]> }[]> {
    const groups = new Map<number, { key: K; states: Record<string, [number, unknown][]> }[]>();
    for (const [key, entry] of this.entries) {
      const states: Record<string, [number, unknown][]> = {};
      const add = (slot: number, namespace: number, value: unknown) => {
        const name = this.stateNames[slot]!;
        const values = states[name];
        if (values === undefined) states[name] = [[namespace, value]];
        else values.push([namespace, value]);
      };
      if (entry.slot !== NO_INLINE) {
        const { window } = entry;
        const value =
          window === undefined
            ? entry.state
            : { window, state: entry.state, registeredTimer: entry.registeredTimer };
        add(entry.slot, entry.inlineNamespace, value);
      }
      forEachMore(entry, add);
      const keyGroup = entry.keyGroup;
      let group = groups.get(keyGroup);
      if (!group) {
        group = [];
        groups.set(keyGroup, group);
      }
      group.push({ key, states });
    }
    return groups;
  }

  private createEntry(): KeyEntry {
    const key = this.currentKey;
    const entry = new KeyEntry(keyGroupOf(key, this.maxParallelism));
    // Reading a character flattens a concatenated key (V8 keeps `a + b` as a rope of parts until
    // then): the map then holds one flat string, ~30 B less per key than the rope.
    if (typeof key === 'string') key.charCodeAt(0);
    this.entries.set(key, entry);
    this.current = entry;
    return entry;
  }
}

/** Passes the values of one entry through `sweepers` (spread window contents excepted); returns how many were removed. */
function sweepEntry(entry: KeyEntry, sweepers: readonly (SweepFunction | undefined)[]): number {
  let removed = 0;
  if (entry.slot !== NO_INLINE && entry.window === undefined) {
    const sweeper = sweepers[entry.slot];
    if (sweeper !== undefined) {
      const kept = sweeper(entry.state, entry.inlineNamespace);
      if (kept !== undefined) entry.state = kept;
      else {
        entry.clearInline();
        removed++;
      }
    }
  }
  const more = entry.more;
  if (more === undefined) return removed;
  if (more instanceof ValueMaps) {
    for (let slot = 0; slot < sweepers.length && slot < more.maps.length; slot++) {
      const sweeper = sweepers[slot];
      const values = more.maps[slot];
      if (sweeper === undefined || values === undefined) continue;
      for (const [namespace, value] of values) {
        const kept = sweeper(value, namespace);
        if (kept === undefined) {
          values.delete(namespace);
          more.size--;
          removed++;
        } else if (kept !== value) {
          values.set(namespace, kept);
        }
      }
    }
    if (more.size === 0) entry.more = undefined;
    return removed;
  }
  for (let i = 0; i < more.length; ) {
    const sweeper = sweepers[more[i] as number];
    const kept = sweeper === undefined ? more[i + 2] : sweeper(more[i + 2], more[i + 1] as number);
    if (kept === undefined) {
      more.splice(i, 3);
      removed++;
    } else {
      more[i + 2] = kept;
      i += 3;
    }
  }
  if (more.length === 0) entry.more = undefined;
  return removed;
}
