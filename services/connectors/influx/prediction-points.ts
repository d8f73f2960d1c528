import type { IPoint } from 'influx';
import type { Prediction } from '../../domain/prediction.ts';
import { type DeviceTagsOf, pointTags } from './device-point-tags.ts';
import { PREDICTIONS } from './influx-schema.ts';

/**
 * One prediction as an InfluxDB point in `predictions`: tags `device`, `metric`, `model`, float
 * fields `value` (the reading), `expected` (the prediction), `lower` and `upper` (its interval),
 * stamped with the reading's event time in epoch ms (write it with precision `ms`; a numeric
 * string, so epoch 0 keeps its time). A field that is not finite (NaN: no interval yet) is left
 * out, as line protocol cannot carry it; a replayed prediction lands on the same point.
 *
 * @example
 * predictionToPoints({ device: 'boiler-1', metric: 'temperature', model: 'forecast',
 *   ts: 1_700_000_000_000, value: 21.4, expected: 21.1, lower: 20.2, upper: 22 });
 * // [{ measurement: 'predictions', tags: { device: 'boiler-1', metric: 'temperature', model: 'forecast' },
 * //    fields: { value: 21.4, expected: 21.1, lower: 20.2, upper: 22 }, timestamp: '1700000000000' }]
 */
export function predictionToPoints(prediction: Prediction): IPoint[] {
  return predictionPoints()(prediction);
}

/**
 * `toPoints` for predictions with each device's tags from `tagsOf` after Eddy's (see
 * {@link pointTags}).
 *
 * @example
 * new InfluxSink<Prediction>({ client, database, toPoints: predictionPoints(cache.tagsOf) });
 */
export function predictionPoints(tagsOf?: DeviceTagsOf): (prediction: Prediction) => IPoint[] {
  return (prediction) => toPoints(prediction, tagsOf);
}

const FIELDS: ReadonlySet<string> = new Set(Object.values(PREDICTIONS.fields));

function toPoints(prediction: Prediction, tagsOf: DeviceTagsOf | undefined): IPoint[] {
  const fields: Record<string, number> = {};
  if (Number.isFinite(prediction.value)) fields.value = prediction.value;
  if (Number.isFinite(prediction.expected)) fields.expected = prediction.expected;
  if (Number.isFinite(prediction.lower)) fields.lower = prediction.lower;
  if (Number.isFinite(prediction.upper)) fields.upper = prediction.upper;
  if (Object.keys(fields).length === 0) return [];
  return [
    {
      measurement: PREDICTIONS.measurement,
      tags: pointTags(
        { device: prediction.device, metric: prediction.metric, model: prediction.model },
        tagsOf,
        FIELDS,
      ),
      fields,
      timestamp: String(Math.trunc(prediction.ts)),
    },
  ];
}
