import type { Key } from '../api/functions.ts';
import { HeapSingleValueState, type HeapStateScope } from './heap-state.ts';
import type { ReducingState } from './keyed-state.ts';
import type { ReduceFunction, ReducingStateDescriptor } from './state-descriptors.ts';

/** {@link ReducingState} on the heap backend: stores the reduced value (`{ value, ts }` with TTL). */
export class HeapReducingState<K extends Key, T>
  extends HeapSingleValueState<K, T>
  implements ReducingState<T>
{
  private readonly reduce: ReduceFunction<T>;

  constructor(scope: HeapStateScope<K>, slot: number, descriptor: ReducingStateDescriptor<T>) {
    super(scope, slot, descriptor.ttl);
    this.reduce = descriptor.reduce;
  }

  get(): T | undefined {
    return this.read();
  }

  /** Folds `value` in; an expired value is dropped first, so `value` starts afresh. */
  add(value: T): void {
    const current = this.read();
    this.write(current === undefined ? value : this.reduce(current, value));
  }
}
