import type { Key } from '../api/functions.ts';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from './state-descriptors.ts';

/**
 * Keyed state handles, as in Flink: a handle is got once (in a function's `open`) and then always
 * acts on the *current key*, which the operator sets before each record and timer. Values live in
 * the operator's state backend, which checkpoints them; the heap backend stores the objects you
 * give it, so after changing an object you read, write it back (`update`, `put`).
 */

/** Common to every handle: drops the current key's value. */
export interface State {
  clear(): void;
}

/** One value per key. */
export interface ValueState<T> extends State {
  /** The current key's value, or the descriptor's default. */
  value(): T;
  /** Replaces the value; `update(undefined)` clears it. */
  update(value: T): void;
}

/** A list per key. */
export interface ListState<T> extends State {
  /** The elements, oldest first (a copy: `[]` when empty). */
  get(): T[];
  add(value: T): void;
  addAll(values: readonly T[]): void;
  /** Replaces the list; an empty list clears it. */
  update(values: readonly T[]): void;
}

/** A map per key. */
export interface MapState<K extends Key, V> extends State {
  get(key: K): V | undefined;
  put(key: K, value: V): void;
  remove(key: K): void;
  contains(key: K): boolean;
  /** Copies, in insertion order. */
  entries(): [K, V][];
  keys(): K[];
  values(): V[];
  isEmpty(): boolean;
}

/** A value per key that `add` folds into with the descriptor's reduce function. */
export interface ReducingState<T> extends State {
  /** The reduced value, or `undefined` when nothing was added. */
  get(): T | undefined;
  add(value: T): void;
}

/** An accumulator per key that `add` folds into; `get` returns the aggregate's result. */
export interface AggregatingState<IN, OUT> extends State {
  /** The aggregate's result, or `undefined` when nothing was added. */
  get(): OUT | undefined;
  add(value: IN): void;
}

/** Where a function gets its state handles (Flink's `RuntimeContext` state getters). */
export interface KeyedStateContext {
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<K extends Key, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(
    descriptor: AggregatingStateDescriptor<IN, ACC, OUT>,
  ): AggregatingState<IN, OUT>;
}
