import { FieldType, type IPoint, type ISchemaOptions } from 'influx';
import type { WindowAggregate } from '../../domain/window-aggregate.ts';
import { type DeviceTagsOf, pointTags } from './device-point-tags.ts';
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
 * Aggregates in `extra` (a job file's `sum`, `first`, `last`, `p95`…) become float fields of their
 * own; a job file may also name another measurement of the same shape. With `tagsOf`, the device's
 * tags follow Eddy's (see {@link pointTags}; a tag named like a field is left out).
 *
 * @example
 * windowAggregateToPoint({ device: 'boiler-1', metric: 'temperature', window: '10s',
 *   start: 1_700_000_000_000, end: 1_700_000_010_000, count: 3, mean: 21, min: 20, max: 22, stddev: 0.8 });
 * // { measurement: 'window_agg', tags: { device: 'boiler-1', metric: 'temperature', window: '10s' },
 * //   fields: { count: 3, mean: 21, min: 20, max: 22, stddev: 0.8 }, timestamp: '1700000000000' }
 */
export function windowAggregateToPoint(
  agg: WindowAggregate,
  measurement: string = WINDOW_AGG_MEASUREMENT,
  tagsOf?: DeviceTagsOf,
): IPoint {
  const fields: Record<string, number> = { count: agg.count };
  if (Number.isFinite(agg.mean)) fields.mean = agg.mean;
  if (Number.isFinite(agg.min)) fields.min = agg.min;
  if (Number.isFinite(agg.max)) fields.max = agg.max;
  if (Number.isFinite(agg.stddev)) fields.stddev = agg.stddev;
  if (agg.extra !== undefined) {
    for (const name in agg.extra) {
      const value = agg.extra[name]!;
      if (Number.isFinite(value) && !(name in fields)) fields[name] = value;
    }
  }
  return {
    measurement,
    tags: pointTags({ device: agg.device, metric: agg.metric, window: agg.window }, tagsOf, {
      has: (key) =>
        Object.hasOwn(WINDOW_AGG.fieldTypes, key) ||
        (agg.extra !== undefined && Object.hasOwn(agg.extra, key)),
    }),
    fields,
    timestamp: String(Math.trunc(agg.start)),
  };
}

/** {@link windowAggregateToPoint} in the shape `InfluxSink`'s `toPoints` takes. */
export function windowAggregateToPoints(agg: WindowAggregate): IPoint[] {
  return [windowAggregateToPoint(agg)];
}

/**
 * `toPoints` for an `InfluxSink` writing window aggregates to `measurement` (default `window_agg`),
 * with each device's tags from `tagsOf` when given.
 *
 * @example
 * new InfluxSink({ client, database, toPoints: windowAggregatePoints('plant_agg', cache.tagsOf) });
 */
export function windowAggregatePoints(
  measurement: string = WINDOW_AGG_MEASUREMENT,
  tagsOf?: DeviceTagsOf,
): (agg: WindowAggregate) => IPoint[] {
  return (agg) => [windowAggregateToPoint(agg, measurement, tagsOf)];
}

/**
 * The `influx` client schema of a window-aggregate measurement with the extra fields a job asks for
 * (the client refuses fields its schema does not name). Register it with `client.addSchema()`.
 *
 * @example
 * client.addSchema(windowAggregateSchema('eddy', 'window_agg', ['sum', 'p95']));
 */
export function windowAggregateSchema(
  database: string,
  measurement: string = WINDOW_AGG_MEASUREMENT,
  extraFields: readonly string[] = [],
): ISchemaOptions {
  const fields: Record<string, FieldType> = {};
  for (const [key, type] of Object.entries(WINDOW_AGG.fieldTypes))
    fields[WINDOW_AGG.fields[key as keyof typeof WINDOW_AGG.fields]] = type;
  for (const name of extraFields) fields[name] ??= FieldType.FLOAT;
  return { database, measurement, tags: Object.values(WINDOW_AGG.tags), fields };
}
