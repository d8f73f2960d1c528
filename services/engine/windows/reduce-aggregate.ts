import type { AggregateFunction } from '../api/functions.ts';
import type { ReduceFunction } from '../state/state-descriptors.ts';

/** The accumulator of {@link reduceAggregate}: the reduced value so far, if any. */
export interface ReduceAccumulator<T> {
  value: T | undefined;
  empty: boolean;
}

/**
 * A reduce function as an aggregate (what `WindowedStream.reduce` runs): the window keeps one value,
 * `reduce(value, next)` for each record. Its result for a window without records is `undefined`.
 *
 * @example
 * const max = reduceAggregate((a: number, b: number) => Math.max(a, b));
 * max.getResult(max.add(3, max.add(5, max.createAccumulator()))); // 5
 */
export function reduceAggregate<T>(reduce: ReduceFunction<T>): AggregateFunction<T, ReduceAccumulator<T>, T> {
  if (typeof reduce !== 'function') throw new TypeError('reduce needs a function (a, b) => combined');
  return {
    createAccumulator: () => ({ value: undefined, empty: true }),
    add(value, accumulator) {
      accumulator.value = accumulator.empty ? value : reduce(accumulator.value as T, value);
      accumulator.empty = false;
      return accumulator;
    },
    getResult: (accumulator) => accumulator.value as T,
    merge(a, b) {
      if (b.empty) return a;
      if (a.empty) return b;
      a.value = reduce(a.value as T, b.value as T);
      return a;
    },
  };
}
