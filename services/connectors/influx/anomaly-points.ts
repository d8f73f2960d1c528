import type { IPoint } from 'influx';
import type { AnomalyEvent } from '../../domain/anomaly.ts';
import { type DeviceTagsOf, pointTags } from './device-point-tags.ts';
import { ANOMALIES } from './influx-schema.ts';

/**
 * One anomaly as an InfluxDB point in `anomalies`: tags `device`, `metric` (the metrics joined
 * with `,` for multivariate detectors) and `detector`, float fields `score`, `value`, `expected`,
 * `lower`, `upper` and the string field `reason`, stamped with the event's `ts` in epoch ms
 * (write it with precision `ms`; a numeric string, so epoch 0 keeps its time). A number that is
 * not finite (NaN: no reading for a multivariate detector or silence, no range) is left out, as
 * line protocol cannot carry it; a replayed event lands on the same point.
 *
 * @example
 * anomalyToPoints({ device: 'boiler-1', metric: 'temperature', metrics: ['temperature'],
 *   ts: 1_700_000_000_000, score: 0.97, detector: 'spikes', value: 31.2, expected: 21.4,
 *   lower: 19.9, upper: 22.9, reason: 'value 31.2 is 7.4 std above the mean 21.4' });
 * // [{ measurement: 'anomalies', tags: { device: 'boiler-1', metric: 'temperature', detector: 'spikes' },
 * //    fields: { score: 0.97, value: 31.2, expected: 21.4, lower: 19.9, upper: 22.9,
 * //              reason: 'value 31.2 is 7.4 std above the mean 21.4' }, timestamp: '1700000000000' }]
 */
export function anomalyToPoints(event: AnomalyEvent): IPoint[] {
  return anomalyPoints()(event);
}

/**
 * `toPoints` for anomaly events with each device's tags from `tagsOf` after Eddy's (see
 * {@link pointTags}).
 *
 * @example
 * new InfluxSink<AnomalyEvent>({ client, database, toPoints: anomalyPoints(cache.tagsOf) });
 */
export function anomalyPoints(tagsOf?: DeviceTagsOf): (event: AnomalyEvent) => IPoint[] {
  return (event) => toPoints(event, tagsOf);
}

const FIELDS: ReadonlySet<string> = new Set(Object.values(ANOMALIES.fields));

function toPoints(event: AnomalyEvent, tagsOf: DeviceTagsOf | undefined): IPoint[] {
  const fields: Record<string, number | string> = {};
  if (Number.isFinite(event.score)) fields.score = event.score;
  if (Number.isFinite(event.value)) fields.value = event.value;
  if (Number.isFinite(event.expected)) fields.expected = event.expected;
  if (Number.isFinite(event.lower)) fields.lower = event.lower;
  if (Number.isFinite(event.upper)) fields.upper = event.upper;
  fields.reason = event.reason;
  return [
    {
      measurement: ANOMALIES.measurement,
      tags: pointTags(
        { device: event.device, metric: event.metric, detector: event.detector },
        tagsOf,
        FIELDS,
      ),
      fields,
      timestamp: String(Math.trunc(event.ts)),
    },
  ];
}
