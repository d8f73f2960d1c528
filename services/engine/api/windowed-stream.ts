import type { OperatorTransformation } from '../graph/transformation.ts';
import type { ReduceFunction } from '../state/state-descriptors.ts';
import { isMergingAssigner, type WindowAssigner } from '../windows/assigners/window-assigner.ts';
import { createWindowOperator } from '../windows/create-window-operator.ts';
import type { Evictor } from '../windows/evictors/evictor.ts';
import { reduceAggregate } from '../windows/reduce-aggregate.ts';
import { requireMergingTrigger, type Trigger } from '../windows/triggers/trigger.ts';
import type { WindowResultFunction } from '../windows/window-operator.ts';
import { DataStream } from './data-stream.ts';
import type { AggregateFunction, Key } from './functions.ts';
import type { KeyedStream } from './keyed-stream.ts';
import type { OutputTag } from './output-tag.ts';

/**
 * A keyed stream cut into windows; `aggregate` or `reduce` turns each window into one result per
 * firing. Configure first (`trigger`, `evictor`, `allowedLateness`, `sideOutputLateData`), then
 * aggregate.
 *
 * @example
 * const late = new OutputTag<Reading>('late-readings');
 * const stats = readings
 *   .keyBy((r) => r.device)
 *   .window(SlidingEventTimeWindows.of(60_000, 10_000))
 *   .allowedLateness(5_000)
 *   .sideOutputLateData(late)
 *   .aggregate(summaryStats((r: Reading) => r.value), (device, window, s) => ({ device, end: window.end, ...s }));
 * stats.getSideOutput(late).sinkTo(lateSink);
 */
export class WindowedStream<T, K extends Key> {
  private windowTrigger: Trigger<T>;
  private windowEvictor: Evictor<T> | undefined;
  private allowedLatenessMs = 0;
  private lateDataTag: OutputTag<T> | undefined;

  constructor(
    private readonly keyed: KeyedStream<T, K>,
    private readonly assigner: WindowAssigner<T>,
  ) {
    this.windowTrigger = assigner.defaultTrigger();
  }

  /** Replaces the assigner's default trigger (session windows need one that merges). */
  trigger(trigger: Trigger<T>): this {
    if (isMergingAssigner(this.assigner)) requireMergingTrigger(trigger, this.assigner);
    this.windowTrigger = trigger;
    return this;
  }

  /** Same as {@link trigger}. */
  withTrigger(trigger: Trigger<T>): this {
    return this.trigger(trigger);
  }

  /**
   * Removes records from a window when it fires (before or after the aggregation). Windows with an
   * evictor keep their records instead of one accumulator: use it only when you need it.
   */
  evictor(evictor: Evictor<T>): this {
    this.windowEvictor = evictor;
    return this;
  }

  /**
   * Late records within `ms` after a window's end still update it and make it fire again (event
   * time only). Later ones go to the late-data side output or are dropped and counted.
   */
  allowedLateness(ms: number): this {
    if (!(Number.isFinite(ms) && ms >= 0))
      throw new RangeError(`allowed lateness must be a finite number of ms >= 0, got ${ms}`);
    this.allowedLatenessMs = ms;
    return this;
  }

  /** Sends records too late for all their windows to the side output `tag` instead of dropping them. */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.lateDataTag = tag;
    return this;
  }

  /**
   * Reduces each window's records to one with `reduce(a, b)` (incrementally), then maps it with
   * `resultFunction(key, window, reduced)`. The output's timestamp is `window.end - 1`.
   *
   * @example
   * keyed.window(TumblingEventTimeWindows.of(10_000)).reduce((a, b) => (b.value > a.value ? b : a)); // max reading
   */
  reduce<OUT = T>(
    reduce: ReduceFunction<T>,
    resultFunction: WindowResultFunction<K, T, OUT> = (_key, _window, result) => result as unknown as OUT,
    name = `window(${this.assigner.label})`,
  ): DataStream<OUT> {
    return this.aggregate(reduceAggregate(reduce), resultFunction, name);
  }

  /**
   * Aggregates each window incrementally (one accumulator per key and window, or its records with
   * an evictor), then maps the result with `resultFunction(key, window, result)`. The output's
   * timestamp is `window.end - 1`.
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
      trigger: this.windowTrigger,
      evictor: this.windowEvictor,
      aggregate,
      resultFunction,
      allowedLatenessMs: this.allowedLatenessMs,
      lateDataTag: this.lateDataTag,
    };
    const node = env.addTransformation<OperatorTransformation>({
      kind: 'operator',
      name,
      input: transformation,
      createOperator: () => createWindowOperator(config),
      keyed: true,
    });
    return new DataStream<OUT>(env, node);
  }
}
