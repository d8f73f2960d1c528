import type { OperatorTransformation } from '../graph/transformation.ts';
import type { WindowAssigner } from '../windows/assigners/window-assigner.ts';
import type { Trigger } from '../windows/triggers/trigger.ts';
import { WindowOperator, type WindowResultFunction } from '../windows/window-operator.ts';
import { DataStream } from './data-stream.ts';
import type { AggregateFunction, Key } from './functions.ts';
import type { KeyedStream } from './keyed-stream.ts';

/** A keyed stream cut into windows; `aggregate` turns each window into one result. */
export class WindowedStream<T, K extends Key> {
  private trigger: Trigger<T>;
  private allowedLatenessMs = 0;

  constructor(
    private readonly keyed: KeyedStream<T, K>,
    private readonly assigner: WindowAssigner<T>,
  ) {
    this.trigger = assigner.defaultTrigger();
  }

  /** Replaces the assigner's default trigger. */
  withTrigger(trigger: Trigger<T>): this {
    this.trigger = trigger;
    return this;
  }

  /** Late records within `ms` after a window's end still update it and make it fire again. */
  allowedLateness(ms: number): this {
    if (!(ms >= 0)) throw new RangeError(`allowed lateness must be >= 0 ms, got ${ms}`);
    this.allowedLatenessMs = ms;
    return this;
  }

  /**
   * Aggregates each window incrementally (one accumulator per key and window), then maps the
   * result with `resultFunction(key, window, result)`. The output's timestamp is `window.end - 1`.
   */
  aggregate<ACC, R, OUT = R>(
    aggregate: AggregateFunction<T, ACC, R>,
    resultFunction: WindowResultFunction<K, R, OUT> = (_key, _window, result) => result as unknown as OUT,
    name = `window(${this.assigner.label})`,
  ): DataStream<OUT> {
    const { keySelector, env, transformation } = this.keyed;
    const config = {
      name,
      keySelector,
      assigner: this.assigner,
      trigger: this.trigger,
      aggregate,
      resultFunction,
      allowedLatenessMs: this.allowedLatenessMs,
    };
    const node = env.addTransformation<OperatorTransformation>({
      kind: 'operator',
      name,
      input: transformation,
      createOperator: () => new WindowOperator(config),
      keyed: true,
    });
    return new DataStream<OUT>(env, node);
  }
}
