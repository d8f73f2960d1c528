import type { Key } from '../api/functions.ts';
import { keyGroupOf } from '../key-groups.ts';

/**
 * Keyed, namespaced state on the heap. A stateful operator sets the current key, then reads and
 * writes its registered states under a namespace (a window's start, or `VOID_NAMESPACE`).
 *
 * Layout: one map from key to a {@link KeyEntry}; the entry caches the key's key group (hashed once
 * per key, not per record) and holds one `namespace → value` map per registered state. State is
 * *grouped* by key group when snapshotted, which is all rescaling needs, so the record path costs
 * two map look-ups. A key whose state is all gone is dropped, so memory follows live keys.
 *
 * Values are stored as given (the heap backend never copies): keyed state handles (`ValueState`…,
 * see `keyed-state-store.ts`) store JSON-safe values, except `MapState`, which stores a `Map`
 * (snapshot form: its entries), and TTL-enabled states, which wrap values as `{ value, ts }`.
 */
export const VOID_NAMESPACE = 0;

export interface KeyEntry<K extends Key> {
  readonly key: K;
  readonly keyGroup: number;
  /** Per registered state: namespace → value (created on first write). */
  readonly slots: (Map<number, unknown> | undefined)[];
  /** Number of (state, namespace) values held. */
  size: number;
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
    return this.current?.slots[slot]?.get(namespace) as V | undefined;
  }

  put<V>(slot: number, namespace: number, value: V): void {
    let entry = this.current;
    if (entry === undefined) {
      const key = this.currentKey;
      entry = { key, keyGroup: keyGroupOf(key, this.maxParallelism), slots: [], size: 0 };
      this.entries.set(key, entry);
      this.current = entry;
    }
    let values = entry.slots[slot];
    if (values === undefined) {
      values = new Map();
      entry.slots[slot] = values;
    }
    const before = values.size;
    values.set(namespace, value);
    entry.size += values.size - before;
  }

  remove(slot: number, namespace: number): void {
    const entry = this.current;
    const values = entry?.slots[slot];
    if (entry === undefined || values === undefined || !values.delete(namespace)) return;
    entry.size--;
    if (entry.size === 0) {
      this.entries.delete(entry.key);
      this.current = undefined;
    }
  }

  /** Namespaces holding a value of `slot` for the current key. */
  namespaces(slot: number): IterableIterator<number> | [] {
    return this.current?.slots[slot]?.keys() ?? [];
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
      for (let slot = 0; slot < sweepers.length; slot++) {
        const sweeper = sweepers[slot];
        const values = entry.slots[slot];
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
      entry.slots.forEach((values, slot) => {
        if (values && values.size > 0) states[this.stateNames[slot]!] = [...values.entries()];
      });
      let list = groups.get(entry.keyGroup);
      if (!list) {
        list = [];
        groups.set(entry.keyGroup, list);
      }
      list.push({ key: entry.key, states });
    }
    return groups;
  }
}
