import { describeAggregate } from '../aggregates/accumulator-snapshots.ts';
import type { AggregateFunction } from '../api/functions.ts';
import type { WindowAssigner } from './assigners/window-assigner.ts';
import type { Trigger } from './triggers/trigger.ts';

/** Version of the window operator's snapshot layout (`window-snapshots.ts`). */
export const WINDOW_SNAPSHOT_LAYOUT = 1;

/**
 * The state shape of a window operator: what makes its saved state meaningless if it changed.
 * Windows (assigner, with size, slide, offset or gap), trigger (its state and timers), evictor,
 * what a window keeps (an accumulator of which aggregate, or the records) and allowed lateness.
 * `checkShapeCompatible` compares it on restore.
 *
 * @example
 * describeWindowOperator({ assigner: TumblingEventTimeWindows.of(10_000), trigger: EventTimeTrigger.create(),
 *   aggregate: namedAggregates(['count'], inputs), allowedLatenessMs: 0 }, { contents: 'accumulator' });
 * // { layout: 1, assigner: { name: 'TumblingEventTimeWindows(10000, 0)', eventTime: true, size: 10000, offset: 0 },
 * //   trigger: 'EventTimeTrigger()', contents: 'accumulator', aggregate: { aggregates: ['count'] }, allowedLatenessMs: 0 }
 */
export function describeWindowOperator(
  config: {
    readonly assigner: WindowAssigner<never>;
    readonly trigger: Trigger<never>;
    readonly aggregate: AggregateFunction<never, unknown, unknown>;
    readonly allowedLatenessMs: number;
  },
  contents: { readonly contents: string; readonly evictor?: string },
): Record<string, unknown> {
  return {
    layout: WINDOW_SNAPSHOT_LAYOUT,
    assigner: describeAssigner(config.assigner),
    trigger: describeObject(config.trigger),
    ...contents,
    aggregate: describeAggregate(config.aggregate),
    allowedLatenessMs: config.allowedLatenessMs,
  };
}

/** An assigner's name and its numeric parameters (size, slide, offset, gap). */
export function describeAssigner(assigner: WindowAssigner<never>): Record<string, unknown> {
  const description: Record<string, unknown> = {
    name: describeObject(assigner),
    eventTime: assigner.isEventTime(),
  };
  const parameters = assigner as unknown as Record<string, unknown>;
  for (const name of ['size', 'slide', 'offset', 'gap']) {
    const value = parameters[name];
    if (typeof value === 'number') description[name] = value;
  }
  return description;
}

/** `String(object)` when the object says what it is, else its class name. */
export function describeObject(object: object): string {
  const text = String(object);
  return text === '[object Object]' ? (object.constructor?.name ?? 'anonymous') : text;
}
