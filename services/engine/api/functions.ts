/**
 * The user-function shapes of the DataStream API. Plain functions, not classes: a job is code, and a
 * closure is the lightest way to write one. Functions must not keep state of their own; state that
 * must survive a failure lives in keyed state (see `state/`), which the engine checkpoints.
 */

export type MapFunction<IN, OUT> = (value: IN) => OUT;
export type FilterFunction<T> = (value: T) => boolean;
/** Emits zero or more outputs per input through `out`. */
export type FlatMapFunction<IN, OUT> = (value: IN, out: (value: OUT) => void) => void;
/** Extracts the partitioning key. Keys are strings or numbers (compared with `===`, hashed to key groups). */
export type KeySelector<T, K extends Key> = (value: T) => K;
export type Key = string | number;

/**
 * Incremental aggregation: a window keeps one accumulator, never its elements.
 * `add` and `merge` may mutate their first accumulator argument and return it.
 *
 * @example
 * const sum: AggregateFunction<number, { s: number }, number> = {
 *   createAccumulator: () => ({ s: 0 }),
 *   add: (v, acc) => { acc.s += v; return acc; },
 *   getResult: (acc) => acc.s,
 *   merge: (a, b) => { a.s += b.s; return a; },
 * };
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
}
