import type { IPoint } from 'influx';
import type { WindowAggregate } from '../../domain/window-aggregate.ts';
import { WINDOW_AGG } from './influx-schema.ts';

/** The measurement window aggregates are written to. */
export const WINDOW_AGG_MEASUREMENT = WINDOW_AGG.measurement;

/**
 * One window aggregate as an InfluxDB point in `window_agg`: tags `device`, `metric`, `window`,
 * fields `count` (integer) and `mean`, `min`, `max`, `stddev` (floats), stamped with the window
 * start in epoch ms (write it with precision `ms`). The same aggregate always maps to the same
 * measurement + tags + time, so rewriting it overwrites the earlier point.
 *
 * Line protocol cannot carry NaN or ±Infinity: a float field that is not finite is left out
 * (InfluxDB reads it back as null) instead of making the server refuse the whole batch.
 * The timestamp is a numeric string so that a window starting at epoch 0 keeps its time.
 *
 * @example
 * windowAggregateToPoint({ device: 'boiler-1', metric: 'temperature', window: '10s',
 *   start: 1_700_000_000_000, end: 1_700_000_010_000, count: 3, mean: 21, min: 20, max: 22, stddev: 0.8 });
 * // { measurement: 'window_agg', tags: { device: 'boiler-1', metric: 'temperature', window: '10s' },
 * //   fields: { count: 3, mean: 21, min: 20, max: 22, stddev: 0.8 }, timestamp: '1700000000000' }
 */
export function windowAggregateToPoint(agg: WindowAggregate): IPoint {
  const fields: Record<string, number> = { count: agg.count };
  if (Number.isFinite(agg.mean)) fields.mean = agg.mean;
  if (Number.isFinite(agg.min)) fields.min = agg.min;
  if (Number.isFinite(agg.max)) fields.max = agg.max;
  if (Number.isFinite(agg.stddev)) fields.stddev = agg.stddev;
  return {
    measurement: WINDOW_AGG_MEASUREMENT,
    tags: { device: agg.device, metric: agg.metric, window: agg.window },
    fields,
    timestamp: String(Math.trunc(agg.start)),
  };
}

/** {@link windowAggregateToPoint} in the shape `InfluxSink`'s `toPoints` takes. */
export function windowAggregateToPoints(agg: WindowAggregate): IPoint[] {
  return [windowAggregateToPoint(agg)];
}
