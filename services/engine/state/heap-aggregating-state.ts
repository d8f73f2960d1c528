import type { AggregateFunction, Key } from '../api/functions.ts';
import { HeapSingleValueState, type HeapStateScope } from './heap-state.ts';
import type { AggregatingState } from './keyed-state.ts';
import type { AggregatingStateDescriptor } from './state-descriptors.ts';

/** {@link AggregatingState} on the heap backend: stores the accumulator (`{ value, ts }` with TTL). */
export class HeapAggregatingState<K extends Key, IN, ACC, OUT>
  extends HeapSingleValueState<K, ACC>
  implements AggregatingState<IN, OUT>
{
  private readonly aggregate: AggregateFunction<IN, ACC, OUT>;

  constructor(scope: HeapStateScope<K>, slot: number, descriptor: AggregatingStateDescriptor<IN, ACC, OUT>) {
    super(scope, slot, descriptor.ttl);
    this.aggregate = descriptor.aggregateFunction;
  }

  get(): OUT | undefined {
    const accumulator = this.read();
    return accumulator === undefined ? undefined : this.aggregate.getResult(accumulator);
  }

  /** Folds `value` in; an expired accumulator is dropped first, so aggregation starts afresh. */
  add(value: IN): void {
    const accumulator = this.read() ?? this.aggregate.createAccumulator();
    this.write(this.aggregate.add(value, accumulator));
  }
}
