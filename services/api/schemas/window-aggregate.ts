import { type Static, Type } from 'typebox';
import type { WindowAggregate } from '../../domain/window-aggregate.ts';

/** A statistic that JSON cannot carry when it is not finite (NaN, ±Infinity): sent as `null`. */
const Statistic = Type.Union([Type.Number(), Type.Null()]);

/**
 * The wire shape of a {@link WindowAggregate}: one (device, metric) series summarised over the
 * event-time window `[start, end)` (epoch ms). `mean`, `min`, `max`, `stddev` are `null` when not finite.
 */
export const WindowAggregateSchema = Type.Object({
  device: Type.String(),
  metric: Type.String(),
  window: Type.String(),
  start: Type.Number(),
  end: Type.Number(),
  count: Type.Integer({ minimum: 0 }),
  mean: Statistic,
  min: Statistic,
  max: Statistic,
  stddev: Statistic,
});
export type WindowAggregateBody = Static<typeof WindowAggregateSchema>;

/**
 * The wire form of an aggregate: only the schema's fields, non-finite statistics as `null`.
 *
 * @example
 * toWindowAggregateBody({ ...aggregate, stddev: NaN }).stddev; // null
 */
export function toWindowAggregateBody(aggregate: WindowAggregate): WindowAggregateBody {
  return {
    device: aggregate.device,
    metric: aggregate.metric,
    window: aggregate.window,
    start: aggregate.start,
    end: aggregate.end,
    count: aggregate.count,
    mean: finiteOrNull(aggregate.mean),
    min: finiteOrNull(aggregate.min),
    max: finiteOrNull(aggregate.max),
    stddev: finiteOrNull(aggregate.stddev),
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
