import { DEVICE_ID_PATTERN } from '../../domain/reading.ts';

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

function describeDeviceId(deviceId: string): string {
  return `device id ${quote(deviceId)}`;
}

/** JSON-quoted, cut to 80 characters: safe to put in a log line or a dead letter. */
function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? text.slice(0, 80) + '…' : text);
}
