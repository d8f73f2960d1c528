import type { TelemetryTopicResult } from './telemetry-topic.ts';

/** Topics remembered by default before the cache starts over. */
const DEFAULT_MAX_TOPICS = 65_536;

/**
 * Remembers the device ids of topics already parsed and found valid, so a device's next message
 * costs one `Map` lookup instead of the checks, a slice and a pattern test, and every reading of
 * a device carries the same id string (whose hash the keyed state's `Map`s then find cached).
 * Refused topics are not remembered: they are parsed (and explained) every time. Bounded: after
 * `maxTopics` topics the cache is dropped and refilled.
 *
 * @example
 * const topics = new DeviceTopicCache(parseTelemetryTopic);
 * topics.parse('sensors/boiler-1/telemetry'); // { ok: true, deviceId: 'boiler-1' }
 */
export class DeviceTopicCache {
  private known = new Map<string, TelemetryTopicResult>();

  constructor(
    private readonly parseTopic: (topic: string) => TelemetryTopicResult,
    private readonly maxTopics = DEFAULT_MAX_TOPICS,
  ) {}

  parse(topic: string): TelemetryTopicResult {
    const known = this.known.get(topic);
    if (known !== undefined) return known;
    const result = this.parseTopic(topic);
    if (result.ok) {
      if (this.known.size >= this.maxTopics) this.known = new Map();
      this.known.set(topic, result);
    }
    return result;
  }
}
