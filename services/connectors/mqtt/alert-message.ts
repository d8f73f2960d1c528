import type { AnomalyEvent } from '../../domain/anomaly.ts';

/** The topic level alerts go under: `alerts/<deviceId>`. */
export const ALERTS_TOPIC_PREFIX = 'alerts';

/**
 * The topic of a device's alerts. Device ids are safe as a topic level (no `/`, `+` or `#`).
 *
 * @example
 * alertTopic('boiler-1'); // 'alerts/boiler-1'
 */
export function alertTopic(device: string): string {
  return `${ALERTS_TOPIC_PREFIX}/${device}`;
}

/**
 * An anomaly event as an alert's JSON payload: the event's fields as they are, numbers that are
 * not finite (NaN: no reading or no range) as `null`, as JSON has no NaN.
 *
 * @example
 * alertPayload(event); // '{"device":"boiler-1","metric":"temperature","metrics":["temperature"],"ts":1700000000000,"score":0.97,...}'
 */
export function alertPayload(event: AnomalyEvent): string {
  return JSON.stringify(event);
}
