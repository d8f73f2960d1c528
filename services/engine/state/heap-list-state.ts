import type { Key } from '../api/functions.ts';
import { HeapState, type HeapStateScope } from './heap-state.ts';
import type { ListState } from './keyed-state.ts';
import type { ListStateDescriptor } from './state-descriptors.ts';
import { isExpired, type TtlValue } from './state-ttl-config.ts';

/**
 * {@link ListState} on the heap backend. Stored as an array of elements, or of `{ value, ts }`
 * with TTL (each element expires on its own, as in Flink).
 */
export class HeapListState<K extends Key, T> extends HeapState<K> implements ListState<T> {
  constructor(scope: HeapStateScope<K>, slot: number, descriptor: ListStateDescriptor<T>) {
    super(scope, slot, descriptor.ttl);
  }

  get(): T[] {
    const ttl = this.ttl;
    if (ttl === undefined) return this.backend.get<T[]>(this.slot, this.namespace)?.slice() ?? [];
    const now = this.touch(ttl);
    const stored = this.backend.get<TtlValue<T>[]>(this.slot, this.namespace);
    if (stored === undefined) return [];
    const refresh = ttl.updateType === 'on-read-and-write';
    const live: T[] = [];
    for (const element of stored) {
      if (isExpired(element, ttl.ttlMs, now)) continue;
      if (refresh) element.ts = now;
      live.push(element.value);
    }
    if (live.length < stored.length)
      this.store(pruneList(stored, ttl.ttlMs, now) as TtlValue<T>[] | undefined);
    return live;
  }

  add(value: T): void {
    const ttl = this.ttl;
    const element = ttl === undefined ? value : { value, ts: this.touch(ttl) };
    const stored = this.backend.get<unknown[]>(this.slot, this.namespace);
    if (stored === undefined) this.backend.put(this.slot, this.namespace, [element]);
    else stored.push(element);
  }

  addAll(values: readonly T[]): void {
    for (const value of values) this.add(value);
  }

  update(values: readonly T[]): void {
    const ttl = this.ttl;
    if (values.length === 0) this.clear();
    else if (ttl === undefined) this.backend.put(this.slot, this.namespace, values.slice());
    else {
      const ts = this.touch(ttl);
      this.backend.put(
        this.slot,
        this.namespace,
        values.map((value) => ({ value, ts })),
      );
    }
  }

  private store(list: TtlValue<T>[] | undefined): void {
    if (list === undefined) this.clear();
    else this.backend.put(this.slot, this.namespace, list);
  }
}

/** Sweep rule of list states: drops expired elements (in place); the list goes once empty. */
export function pruneList(stored: unknown, ttlMs: number, now: number): unknown {
  const list = stored as TtlValue<unknown>[];
  let kept = 0;
  for (const element of list) if (!isExpired(element, ttlMs, now)) list[kept++] = element;
  list.length = kept;
  return kept === 0 ? undefined : list;
}
