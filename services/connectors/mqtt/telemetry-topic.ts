import { DEVICE_ID_PATTERN } from '../../domain/reading.ts';
import { quoteForReason } from './printable-text.ts';

/**
 * The telemetry topic contract: a device publishes on `sensors/<deviceId>/telemetry`, and Eddy
 * subscribes to {@link TELEMETRY_TOPIC_FILTER}.
 *
 * @example
 * parseTelemetryTopic('sensors/boiler-1/telemetry'); // { ok: true, deviceId: 'boiler-1' }
 * parseTelemetryTopic('sensors/a b/telemetry').ok;   // false (code 'invalid_device_id')
 * telemetryTopic('boiler-1');                         // 'sensors/boiler-1/telemetry'
 */
export const TELEMETRY_TOPIC_FILTER = 'sensors/+/telemetry';

/** Longest topic accepted, in characters (MQTT allows 65,535 bytes; no telemetry topic needs more than this). */
export const MAX_TOPIC_LENGTH = 1024;

const PREFIX = 'sensors/';
const SUFFIX = '/telemetry';

/** Why a topic was refused: not of the telemetry shape at all, or a device id that breaks the pattern. */
export type TopicErrorCode = 'invalid_topic' | 'invalid_device_id';

export type TelemetryTopicResult =
  | { readonly ok: true; readonly deviceId: string }
  | { readonly ok: false; readonly code: TopicErrorCode; readonly reason: string };

/** The topic a device publishes its telemetry on. Throws on an id that does not match DEVICE_ID_PATTERN. */
export function telemetryTopic(deviceId: string): string {
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    throw new RangeError(`${describeDeviceId(deviceId)} does not match ${DEVICE_ID_PATTERN.source}`);
  }
  return PREFIX + deviceId + SUFFIX;
}

/**
 * Extracts and validates the device id of a telemetry topic. Never throws: a bad topic comes back
 * as `{ ok: false, code, reason }`, ready for the dead-letter channel.
 */
export function parseTelemetryTopic(topic: string): TelemetryTopicResult {
  const problem = explainTopicName(topic);
  if (problem !== undefined) return { ok: false, code: 'invalid_topic', reason: problem };
  if (topic.length <= PREFIX.length + SUFFIX.length || !topic.startsWith(PREFIX) || !topic.endsWith(SUFFIX)) {
    return {
      ok: false,
      code: 'invalid_topic',
      reason: `topic ${quote(topic)} is not of the form sensors/<deviceId>/telemetry`,
    };
  }
  const deviceId = topic.slice(PREFIX.length, topic.length - SUFFIX.length);
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    const reason = deviceId.includes('/')
      ? `topic ${quote(topic)} has more than one level between sensors/ and /telemetry`
      : `${describeDeviceId(deviceId)} is not valid: use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit`;
    return { ok: false, code: 'invalid_device_id', reason };
  }
  return { ok: true, deviceId };
}

/**
 * Why a topic a message arrived on cannot be a telemetry topic whatever the pattern, or `undefined`:
 * longer than {@link MAX_TOPIC_LENGTH}, holding a wildcard (`+`, `#`: a filter, never a topic a
 * message is published on) or a control character (U+0000–U+001F, U+007F–U+009F). The reason
 * names the topic JSON-quoted and cut, so it is safe in a log line or a dead letter.
 *
 * @example
 * explainTopicName('sensors/boiler-1/telemetry'); // undefined
 * explainTopicName('sensors/+/telemetry');        // `topic "sensors/+/telemetry" holds the wildcard '+': …`
 * explainTopicName('sensors/a\u0000/telemetry');  // `topic "sensors/a\u0000/telemetry" holds the control character U+0000: …`
 */
export function explainTopicName(topic: string): string | undefined {
  if (topic.length > MAX_TOPIC_LENGTH) {
    return `topic ${quote(topic)} is ${topic.length} characters long, the limit is ${MAX_TOPIC_LENGTH}`;
  }
  for (let i = 0; i < topic.length; i++) {
    const c = topic.charCodeAt(i);
    if (c === 0x2b /* + */ || c === 0x23 /* # */) {
      return `topic ${quote(topic)} holds the wildcard '${topic[i]}': wildcards belong in subscriptions, a device publishes on a plain topic`;
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      const code = c.toString(16).toUpperCase().padStart(4, '0');
      return `topic ${quote(topic)} holds the control character U+${code}: topics are printable text`;
    }
  }
  return undefined;
}

function describeDeviceId(deviceId: string): string {
  return `device id ${quote(deviceId)}`;
}

/** JSON-quoted, cut to 80 characters, control characters escaped: safe in a log line or a dead letter. */
function quote(text: string): string {
  return quoteForReason(text, 80);
}
