import { FieldType, type IPoint, type ISchemaOptions } from 'influx';
import type { LateReading } from '../../domain/late-reading.ts';
import { type DeviceTagsOf, pointTags } from './device-point-tags.ts';

/**
 * Measurement `late_readings`: tags `device`, `metric`, `window` (the window the reading missed),
 * field `value` (float), stamped with the reading's event time in ms. A reading sent twice lands on
 * the same point.
 */
export const LATE_READINGS = {
  measurement: 'late_readings',
  tags: { device: 'device', metric: 'metric', window: 'window' },
  fields: { value: 'value' },
  fieldTypes: { value: FieldType.FLOAT },
} as const;

/**
 * A late reading as an InfluxDB point, in the shape `InfluxSink`'s `toPoints` takes.
 *
 * @example
 * lateReadingToPoints({ device: 'boiler-1', metric: 'temperature', ts: 1_700_000_000_000, value: 21.5, window: '10s' });
 * // [{ measurement: 'late_readings', tags: { device: 'boiler-1', metric: 'temperature', window: '10s' },
 * //    fields: { value: 21.5 }, timestamp: '1700000000000' }]
 */
export function lateReadingToPoints(reading: LateReading): IPoint[] {
  return lateReadingPoints()(reading);
}

/**
 * `toPoints` for late readings with each device's tags from `tagsOf` after Eddy's (see
 * {@link pointTags}).
 *
 * @example
 * lateReadingPoints(() => ({ site: 'lyon' }))({ device: 'boiler-1', metric: 'temperature', ts: 0, value: 1, window: '10s' })[0]?.tags;
 * // { device: 'boiler-1', metric: 'temperature', window: '10s', site: 'lyon' }
 */
export function lateReadingPoints(tagsOf?: DeviceTagsOf): (reading: LateReading) => IPoint[] {
  return (reading) => [
    {
      measurement: LATE_READINGS.measurement,
      tags: pointTags(
        { device: reading.device, metric: reading.metric, window: reading.window },
        tagsOf,
        FIELDS,
      ),
      fields: { value: reading.value },
      timestamp: String(Math.trunc(reading.ts)),
    },
  ];
}

const FIELDS: ReadonlySet<string> = new Set(Object.values(LATE_READINGS.fields));

/** The `influx` client schema of `late_readings` (register it with `client.addSchema()`). */
export function lateReadingsSchema(database: string): ISchemaOptions {
  return {
    database,
    measurement: LATE_READINGS.measurement,
    tags: Object.values(LATE_READINGS.tags),
    fields: { [LATE_READINGS.fields.value]: LATE_READINGS.fieldTypes.value },
  };
}
