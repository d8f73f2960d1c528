import type { AggregateFunction, Key, KeySelector } from '../api/functions.ts';
import type { OutputTag } from '../api/output-tag.ts';
import type { WindowAssigner } from './assigners/window-assigner.ts';
import type { TimeWindow } from './time-window.ts';
import type { Trigger } from './triggers/trigger.ts';

/** Turns a window's aggregate into the operator's output; `key` and `window` say which it was. */
export type WindowResultFunction<K, R, OUT> = (key: K, window: TimeWindow, result: R) => OUT;

/** What a window operator is made of (what `WindowedStream` collects). */
export interface WindowOperatorConfig<IN, K extends Key, ACC, R, OUT> {
  readonly name: string;
  readonly keySelector: KeySelector<IN, K>;
  readonly assigner: WindowAssigner<IN>;
  readonly trigger: Trigger<IN>;
  readonly aggregate: AggregateFunction<IN, ACC, R>;
  readonly resultFunction: WindowResultFunction<K, R, OUT>;
  /** How long after a window's end late records still update (and re-fire) it. Event time only. */
  readonly allowedLatenessMs: number;
  /** Where records too late for every window go; without it they are dropped and counted. */
  readonly lateDataTag?: OutputTag<IN> | undefined;
}
