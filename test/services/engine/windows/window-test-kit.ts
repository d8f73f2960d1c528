import type { AggregateFunction } from '../../../../services/engine/api/functions.ts';
import type { OutputTag } from '../../../../services/engine/api/output-tag.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import type { WindowAssigner } from '../../../../services/engine/windows/assigners/window-assigner.ts';
import { createWindowOperator } from '../../../../services/engine/windows/create-window-operator.ts';
import type { Evictor } from '../../../../services/engine/windows/evictors/evictor.ts';
import type { TimeWindow } from '../../../../services/engine/windows/time-window.ts';
import type { Trigger } from '../../../../services/engine/windows/triggers/trigger.ts';
import type { WindowResultFunction } from '../../../../services/engine/windows/window-operator.ts';
import { type Emitted, OperatorHarness } from '../../../support/operator-harness.ts';

/** The record of the window conformance tests: a key and a number to sum. */
export interface Ev {
  readonly key: string;
  readonly value: number;
}

export const ev = (key: string, value = 1): Ev => ({ key, value });

/** Sums `value`, with an accumulator object (so merging and purging are visible). */
export const sum: AggregateFunction<Ev, { s: number }, number> = {
  createAccumulator: () => ({ s: 0 }),
  add: (e, acc) => {
    acc.s += e.value;
    return acc;
  },
  getResult: (acc) => acc.s,
  merge: (a, b) => {
    a.s += b.s;
    return a;
  },
};

/** `a[0, 10)=3`: key, window and result, so every expected output says which window it is. */
export const describeWindow: WindowResultFunction<string, number, string> = (
  key,
  window: TimeWindow,
  result,
) => `${key}${window}=${result}`;

export interface WindowHarnessOptions {
  readonly assigner: WindowAssigner<Ev>;
  readonly trigger?: Trigger<Ev>;
  readonly evictor?: Evictor<Ev>;
  readonly aggregate?: AggregateFunction<Ev, unknown, number>;
  /** Default: {@link describeWindow}. */
  readonly result?: WindowResultFunction<string, number, string>;
  readonly allowedLatenessMs?: number;
  readonly lateDataTag?: OutputTag<Ev>;
  readonly clock?: ManualClock;
}

/** A window operator keyed by `key`, summing `value`, emitting `describeWindow`, on a ManualClock. */
export function windowHarness(options: WindowHarnessOptions) {
  const clock = options.clock ?? new ManualClock(0);
  const operator = createWindowOperator<Ev, string, unknown, number, string>({
    name: 'window',
    keySelector: (e) => e.key,
    assigner: options.assigner,
    trigger: options.trigger ?? options.assigner.defaultTrigger(),
    evictor: options.evictor,
    aggregate: options.aggregate ?? (sum as AggregateFunction<Ev, unknown, number>),
    resultFunction: options.result ?? describeWindow,
    allowedLatenessMs: options.allowedLatenessMs ?? 0,
    lateDataTag: options.lateDataTag,
  });
  const h = new OperatorHarness(operator, { clock });
  return { h, operator, clock };
}

/** Emitted records and side outputs, as `value@timestamp` (watermarks as `wm:N`), for compact expectations. */
export function compact(output: readonly Emitted<string>[]): string[] {
  return output.map((item) => {
    if ('watermark' in item) return `wm:${item.watermark}`;
    if ('side' in item) return `${item.side}:${JSON.stringify(item.record)}@${item.timestamp}`;
    return `${item.record}@${item.timestamp}`;
  });
}
