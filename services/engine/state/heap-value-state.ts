import type { Key } from '../api/functions.ts';
import { HeapSingleValueState, type HeapStateScope } from './heap-state.ts';
import type { ValueState } from './keyed-state.ts';
import type { ValueStateDescriptor } from './state-descriptors.ts';

/**
 * {@link ValueState} on the heap backend. Stored as the value itself, or `{ value, ts }` with TTL.
 * An object default is copied each time it is returned, so changing it never changes the default.
 */
export class HeapValueState<K extends Key, T> extends HeapSingleValueState<K, T> implements ValueState<T> {
  private readonly defaultValue: T;

  constructor(scope: HeapStateScope<K>, slot: number, descriptor: ValueStateDescriptor<T>) {
    super(scope, slot, descriptor.ttl);
    this.defaultValue = descriptor.defaultValue;
  }

  value(): T {
    const value = this.read();
    if (value !== undefined) return value;
    const fallback = this.defaultValue;
    return typeof fallback === 'object' && fallback !== null ? structuredClone(fallback) : fallback;
  }

  update(value: T): void {
    if (value === undefined) this.clear();
    else this.write(value);
  }
}
