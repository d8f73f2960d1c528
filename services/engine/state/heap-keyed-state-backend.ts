import type { Key } from '../api/functions.ts';
import { keyGroupOf } from '../key-groups.ts';

/**
 * Keyed, namespaced state on the heap. A stateful operator sets the current key, then reads and
 * writes its registered states under a namespace (a window's start, or `VOID_NAMESPACE`).
 *
 * Layout: one map from key to a {@link KeyEntry}; the entry caches the key's key group (hashed once
 * per key, not per record) and holds the key's values (inline, in a short list, or in maps: see
 * there). State is *grouped* by key group when snapshotted, which is all rescaling needs, so the
 * record path costs one map look-up. A key whose state is all gone is dropped, so memory follows
 * live keys.
 *
 * Values are stored as given (the heap backend never copies): keyed state handles (`ValueState`…,
 * see `keyed-state-store.ts`) store JSON-safe values, except `MapState`, which stores a `Map`
 * (snapshot form: its entries), and TTL-enabled states, which wrap values as `{ value, ts }`.
 */
export const VOID_NAMESPACE = 0;

/** `KeyEntry.slot` when no value is inline. */
const NO_INLINE = -1;
/** Most values a key keeps in its flat list before it moves them to per-state maps. */
const LIST_LIMIT = 8;

/**
 * One key's state, in the smallest of three forms (per value, a window costs what it holds, not a
 * map's overhead): one value inline (`slot`, `namespace`, `value`), the common case (one window,
 * one `ValueState`); 2 to {@link LIST_LIMIT} values as flat `slot, namespace, value` triples in
 * `list`; more in `slots`, one `namespace → value` map per registered state. The entry goes back
 * inline when one value is left.
 */
export class KeyEntry<K extends Key> {
  /** Slot of the inline value, or -1 (no value inline). */
  slot = NO_INLINE;
  namespace = 0;
  value: unknown = undefined;
  /** 2 to `LIST_LIMIT` values: `slot, namespace, value` triples, in insertion order. */
  list: unknown[] | undefined = undefined;
  /** More values: per registered state, namespace → value. */
  slots: (Map<number, unknown> | undefined)[] | undefined = undefined;
  /** Number of (state, namespace) values held. */
  size = 0;

  constructor(
    readonly key: K,
    readonly keyGroup: number,
  ) {}
}

/**
 * Rewrites one stored value during a {@link HeapKeyedStateBackend.sweep}: returns the value to
 * keep (the same one, possibly mutated in place, or a replacement), or `undefined` to remove it.
 */
export type SweepFunction = (value: unknown, namespace: number) => unknown;

export class HeapKeyedStateBackend<K extends Key> {
  private readonly entries = new Map<K, KeyEntry<K>>();
  private readonly stateNames: string[] = [];
  private current: KeyEntry<K> | undefined;
  private currentKeyValue: K | undefined;
  /** Where the incremental sweep resumes (a live iterator: keys added later are reached too). */
  private sweepCursor: Iterator<KeyEntry<K>> | undefined;

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
    this.current = this.entries.get(key);
  }

  get currentKey(): K {
    if (this.currentKeyValue === undefined) throw new Error('no current key: setCurrentKey() first');
    return this.currentKeyValue;
  }

  get<V>(slot: number, namespace: number): V | undefined {
    const entry = this.current;
    if (entry === undefined) return undefined;
    if (entry.slot === slot && entry.namespace === namespace) return entry.value as V;
    const list = entry.list;
    if (list !== undefined) {
      for (let i = 0; i < list.length; i += 3) {
        if (list[i] === slot && list[i + 1] === namespace) return list[i + 2] as V;
      }
      return undefined;
    }
    return entry.slots?.[slot]?.get(namespace) as V | undefined;
  }

  put<V>(slot: number, namespace: number, value: V): void {
    let entry = this.current;
    if (entry === undefined) {
      const key = this.currentKey;
      entry = new KeyEntry(key, keyGroupOf(key, this.maxParallelism));
      this.entries.set(key, entry);
      this.current = entry;
    }
    if (entry.slot === slot && entry.namespace === namespace) {
      entry.value = value;
    } else if (entry.size === 0) {
      entry.slot = slot;
      entry.namespace = namespace;
      entry.value = value;
      entry.size = 1;
    } else if (entry.slots === undefined) {
      this.putInList(entry, slot, namespace, value);
    } else {
      this.putInMaps(entry, slot, namespace, value);
    }
  }

  remove(slot: number, namespace: number): void {
    const entry = this.current;
    if (entry === undefined || !this.removeFrom(entry, slot, namespace)) return;
    if (entry.size === 0) {
      this.entries.delete(entry.key);
      this.current = undefined;
    }
  }

  /** Namespaces holding a value of `slot` for the current key. */
  namespaces(slot: number): IterableIterator<number> | number[] {
    const entry = this.current;
    if (entry === undefined) return [];
    if (entry.slot === slot) return [entry.namespace];
    const list = entry.list;
    if (list !== undefined) {
      const found: number[] = [];
      for (let i = 0; i < list.length; i += 3) if (list[i] === slot) found.push(list[i + 1] as number);
      return found;
    }
    return entry.slots?.[slot]?.keys() ?? [];
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
        this.sweepCursor = this.entries.values();
        next = this.sweepCursor.next();
        if (next.done) break;
      }
      const entry = next.value;
      removed += this.sweepEntry(entry, sweepers);
      if (entry.size === 0) {
        this.entries.delete(entry.key);
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

  /** All state, grouped by key group: the shape snapshots are written in. */
  byKeyGroup(): Map<number, { key: K; states: Record<string, [number, unknown][]> }[]> {
    const groups = new Map<number, { key: K; states: Record<string, [number, unknown][]> }[]>();
    for (const entry of this.entries.values()) {
      const states: Record<string, [number, unknown][]> = {};
      const add = (slot: number, namespace: number, value: unknown) => {
        const name = this.stateNames[slot]!;
        const values = states[name];
        if (values === undefined) states[name] = [[namespace, value]];
        else values.push([namespace, value]);
      };
      if (entry.slot !== NO_INLINE) add(entry.slot, entry.namespace, entry.value);
      const list = entry.list ?? [];
      for (let i = 0; i < list.length; i += 3) add(list[i] as number, list[i + 1] as number, list[i + 2]);
      entry.slots?.forEach((values, slot) => {
        if (values && values.size > 0) states[this.stateNames[slot]!] = [...values.entries()];
      });
      let group = groups.get(entry.keyGroup);
      if (!group) {
        group = [];
        groups.set(entry.keyGroup, group);
      }
      group.push({ key: entry.key, states });
    }
    return groups;
  }

  /** `put` of a value not inline, into an entry without maps: the list, or maps once it is full. */
  private putInList(entry: KeyEntry<K>, slot: number, namespace: number, value: unknown): void {
    const list = entry.list;
    if (list === undefined) {
      // the second value: the inline one and this one make the list
      entry.list = [entry.slot, entry.namespace, entry.value, slot, namespace, value];
      entry.slot = NO_INLINE;
      entry.value = undefined;
      entry.size = 2;
      return;
    }
    for (let i = 0; i < list.length; i += 3) {
      if (list[i] === slot && list[i + 1] === namespace) {
        list[i + 2] = value;
        return;
      }
    }
    if (list.length < 3 * LIST_LIMIT) {
      // an exactly sized copy: `push` would over-allocate, and lists are many and short
      const grown = new Array<unknown>(list.length + 3);
      for (let i = 0; i < list.length; i++) grown[i] = list[i];
      grown[list.length] = slot;
      grown[list.length + 1] = namespace;
      grown[list.length + 2] = value;
      entry.list = grown;
      entry.size++;
      return;
    }
    const slots: (Map<number, unknown> | undefined)[] = new Array(this.stateNames.length).fill(undefined);
    entry.slots = slots;
    entry.list = undefined;
    entry.size = 0;
    for (let i = 0; i < list.length; i += 3)
      this.putInMaps(entry, list[i] as number, list[i + 1] as number, list[i + 2]);
    this.putInMaps(entry, slot, namespace, value);
  }

  private putInMaps(entry: KeyEntry<K>, slot: number, namespace: number, value: unknown): void {
    const slots = entry.slots!;
    let values = slots[slot];
    if (values === undefined) {
      while (slots.length <= slot) slots.push(undefined);
      values = new Map();
      slots[slot] = values;
    }
    const before = values.size;
    values.set(namespace, value);
    entry.size += values.size - before;
  }

  /** Removes one value of `entry`; true if it was there. Leaves dropping an empty entry to the caller. */
  private removeFrom(entry: KeyEntry<K>, slot: number, namespace: number): boolean {
    if (entry.slot === slot && entry.namespace === namespace) {
      entry.slot = NO_INLINE;
      entry.value = undefined;
      entry.size--;
      return true;
    }
    const list = entry.list;
    if (list !== undefined) {
      for (let i = 0; i < list.length; i += 3) {
        if (list[i] === slot && list[i + 1] === namespace) {
          list.splice(i, 3);
          entry.size--;
          if (entry.size === 1) this.collapse(entry);
          return true;
        }
      }
      return false;
    }
    const values = entry.slots?.[slot];
    if (values === undefined || !values.delete(namespace)) return false;
    entry.size--;
    if (entry.size === 1) this.collapse(entry);
    return true;
  }

  /** Moves the one value left in the list or maps of `entry` inline. */
  private collapse(entry: KeyEntry<K>): void {
    const list = entry.list;
    if (list !== undefined) {
      entry.slot = list[0] as number;
      entry.namespace = list[1] as number;
      entry.value = list[2];
      entry.list = undefined;
      return;
    }
    const slots = entry.slots ?? [];
    for (let slot = 0; slot < slots.length; slot++) {
      const values = slots[slot];
      if (values === undefined || values.size === 0) continue;
      const [namespace, value] = values.entries().next().value as [number, unknown];
      entry.slot = slot;
      entry.namespace = namespace;
      entry.value = value;
    }
    entry.slots = undefined;
  }

  /** Passes the values of one entry through `sweepers`; returns how many were removed. */
  private sweepEntry(entry: KeyEntry<K>, sweepers: readonly (SweepFunction | undefined)[]): number {
    let removed = 0;
    if (entry.slot !== NO_INLINE) {
      const sweeper = sweepers[entry.slot];
      if (sweeper === undefined) return 0;
      const kept = sweeper(entry.value, entry.namespace);
      if (kept !== undefined) entry.value = kept;
      else if (this.removeFrom(entry, entry.slot, entry.namespace)) removed++;
      return removed;
    }
    const list = entry.list;
    if (list !== undefined) {
      for (let i = 0; i < list.length; ) {
        const sweeper = sweepers[list[i] as number];
        const kept = sweeper === undefined ? list[i + 2] : sweeper(list[i + 2], list[i + 1] as number);
        if (kept === undefined) {
          list.splice(i, 3);
          entry.size--;
          removed++;
        } else {
          list[i + 2] = kept;
          i += 3;
        }
      }
      if (entry.size === 1) this.collapse(entry);
      return removed;
    }
    const slots = entry.slots ?? [];
    for (let slot = 0; slot < sweepers.length && slot < slots.length; slot++) {
      const sweeper = sweepers[slot];
      const values = slots[slot];
      if (sweeper === undefined || values === undefined) continue;
      for (const [namespace, value] of values) {
        const kept = sweeper(value, namespace);
        if (kept === undefined) {
          values.delete(namespace);
          entry.size--;
          removed++;
        } else if (kept !== value) {
          values.set(namespace, kept);
        }
      }
    }
    if (entry.size === 1) this.collapse(entry);
    return removed;
  }
}
