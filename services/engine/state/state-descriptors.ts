import type { AggregateFunction, Key } from '../api/functions.ts';
import type { StateTtlConfig } from './state-ttl-config.ts';

/** Combines two values into one of the same type (for {@link ReducingStateDescriptor}). */
export type ReduceFunction<T> = (a: T, b: T) => T;

export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

/**
 * Names a piece of keyed state and says what it holds. A function gets its state handle from a
 * descriptor once (in `open`); the handle then reads and writes the current key's value. The name
 * identifies the state in snapshots: keep it stable across versions of a job.
 */
export abstract class StateDescriptor {
  abstract readonly kind: StateKind;
  /** Time-to-live of the values, when enabled. */
  ttl: StateTtlConfig | undefined;

  constructor(readonly name: string) {
    if (typeof name !== 'string' || name.length === 0)
      throw new Error('a state descriptor needs a non-empty name');
  }

  /** Makes the values expire (see {@link StateTtlConfig}). Call before the state is first used. */
  enableTimeToLive(ttl: StateTtlConfig): this {
    this.ttl = ttl;
    return this;
  }
}

/**
 * One value per key. `value()` returns `defaultValue` while the key has none; without a default,
 * `T` must include `undefined`.
 *
 * @example
 * const count = new ValueStateDescriptor<number>('count', 0);
 * const last = new ValueStateDescriptor<number | undefined>('last');
 */
export class ValueStateDescriptor<T> extends StateDescriptor {
  readonly kind = 'value';
  readonly defaultValue: T;

  constructor(name: string, ...defaultValue: undefined extends T ? [defaultValue?: T] : [defaultValue: T]) {
    super(name);
    this.defaultValue = defaultValue[0] as T;
  }
}

/**
 * A list of elements per key, appended to cheaply. With TTL, each element expires on its own.
 *
 * @example
 * const recent = new ListStateDescriptor<number>('recent-values');
 */
export class ListStateDescriptor<T> extends StateDescriptor {
  readonly kind = 'list';
  /** Only carries `T` for type checking; never set. */
  declare readonly __type?: T;
}

/**
 * A map per key. User keys are strings or numbers (compared with `===`), so a snapshot can be
 * written as the map's entries. With TTL, each entry expires on its own.
 *
 * @example
 * const lastByMetric = new MapStateDescriptor<string, number>('last-by-metric');
 */
export class MapStateDescriptor<K extends Key, V> extends StateDescriptor {
  readonly kind = 'map';
  /** Only carries `K` and `V` for type checking; never set. */
  declare readonly __type?: [K, V];
}

/**
 * One value per key that every `add` folds into with `reduce(current, added)`.
 *
 * @example
 * const max = new ReducingStateDescriptor<number>('max', Math.max);
 */
export class ReducingStateDescriptor<T> extends StateDescriptor {
  readonly kind = 'reducing';

  constructor(
    name: string,
    readonly reduce: ReduceFunction<T>,
  ) {
    super(name);
  }
}

/**
 * One accumulator per key that every `add` folds into; `get` returns the aggregate's result.
 * The accumulator is what is stored (and snapshotted): keep it JSON-safe.
 *
 * @example
 * const mean = new AggregatingStateDescriptor('mean', {
 *   createAccumulator: () => ({ sum: 0, n: 0 }),
 *   add: (v: number, acc) => ({ sum: acc.sum + v, n: acc.n + 1 }),
 *   getResult: (acc) => acc.sum / acc.n,
 *   merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
 * });
 */
export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor {
  readonly kind = 'aggregating';

  constructor(
    name: string,
    readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name);
  }
}
