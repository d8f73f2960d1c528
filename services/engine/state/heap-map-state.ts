import type { Key } from '../api/functions.ts';
import { HeapState, type HeapStateScope } from './heap-state.ts';
import type { MapState } from './keyed-state.ts';
import type { MapStateDescriptor } from './state-descriptors.ts';
import { isExpired, type StateTtlConfig, type TtlValue } from './state-ttl-config.ts';

/**
 * {@link MapState} on the heap backend. Stored as a `Map` (snapshot form: its entries) of values,
 * or of `{ value, ts }` with TTL (each entry expires on its own, as in Flink).
 */
export class HeapMapState<K extends Key, UK extends Key, UV>
  extends HeapState<K>
  implements MapState<UK, UV>
{
  constructor(scope: HeapStateScope<K>, slot: number, descriptor: MapStateDescriptor<UK, UV>) {
    super(scope, slot, descriptor.ttl);
  }

  get(key: UK): UV | undefined {
    const ttl = this.ttl;
    if (ttl === undefined) return this.stored()?.get(key) as UV | undefined;
    return this.liveEntry(key, ttl)?.value;
  }

  put(key: UK, value: UV): void {
    const ttl = this.ttl;
    const stored = ttl === undefined ? value : { value, ts: this.touch(ttl) };
    let map = this.stored();
    if (map === undefined) {
      map = new Map();
      this.backend.put(this.slot, this.namespace, map);
    }
    map.set(key, stored);
  }

  remove(key: UK): void {
    const map = this.stored();
    if (map === undefined || !map.delete(key)) return;
    if (map.size === 0) this.clear();
  }

  contains(key: UK): boolean {
    const ttl = this.ttl;
    if (ttl === undefined) return this.stored()?.has(key) ?? false;
    return this.liveEntry(key, ttl) !== undefined;
  }

  entries(): [UK, UV][] {
    const result: [UK, UV][] = [];
    this.forEachLive((key, value) => result.push([key, value]));
    return result;
  }

  keys(): UK[] {
    const result: UK[] = [];
    this.forEachLive((key) => result.push(key));
    return result;
  }

  values(): UV[] {
    const result: UV[] = [];
    this.forEachLive((_key, value) => result.push(value));
    return result;
  }

  isEmpty(): boolean {
    if (this.ttl === undefined) return this.stored() === undefined;
    let empty = true;
    this.forEachLive(() => {
      empty = false;
    });
    return empty;
  }

  private stored(): Map<UK, unknown> | undefined {
    return this.backend.get<Map<UK, unknown>>(this.slot, this.namespace);
  }

  /** The entry of `key` unless expired (an expired one is removed); refreshes it on read if so configured. */
  private liveEntry(key: UK, ttl: StateTtlConfig): TtlValue<UV> | undefined {
    const now = this.touch(ttl); // first: the sweep may remove this very map
    const entry = this.stored()?.get(key) as TtlValue<UV> | undefined;
    if (entry === undefined) return undefined;
    if (isExpired(entry, ttl.ttlMs, now)) {
      this.remove(key);
      return undefined;
    }
    if (ttl.updateType === 'on-read-and-write') entry.ts = now;
    return entry;
  }

  /** Calls `visit` for each live entry in insertion order, removing expired ones on the way. */
  private forEachLive(visit: (key: UK, value: UV) => void): void {
    const ttl = this.ttl;
    if (ttl === undefined) {
      const map = this.stored();
      if (map !== undefined) for (const [key, value] of map) visit(key, value as UV);
      return;
    }
    const now = this.touch(ttl); // first: the sweep may remove this very map
    const map = this.stored();
    if (map === undefined) return;
    const refresh = ttl.updateType === 'on-read-and-write';
    for (const [key, stored] of map) {
      const entry = stored as TtlValue<UV>;
      if (isExpired(entry, ttl.ttlMs, now)) {
        map.delete(key);
        continue;
      }
      if (refresh) entry.ts = now;
      visit(key, entry.value);
    }
    if (map.size === 0) this.clear();
  }
}

/** Sweep rule of map states: drops expired entries (in place); the map goes once empty. */
export function pruneMap(stored: unknown, ttlMs: number, now: number): unknown {
  const map = stored as Map<unknown, TtlValue<unknown>>;
  for (const [key, entry] of map) if (isExpired(entry, ttlMs, now)) map.delete(key);
  return map.size === 0 ? undefined : map;
}
