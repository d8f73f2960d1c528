import { describe, expect, it } from 'vitest';
import {
  parseTelemetryTopic,
  TELEMETRY_TOPIC_FILTER,
  telemetryTopic,
} from '../../../../services/connectors/mqtt/telemetry-topic.ts';

describe('telemetry topics', () => {
  it('subscribes with one wildcard level for the device', () => {
    expect(TELEMETRY_TOPIC_FILTER).toBe('sensors/+/telemetry');
  });

  it.each(['boiler-1', 'a', 'A.b_c-9', '0', 'x'.repeat(64)])('reads device id %s', (deviceId) => {
    expect(parseTelemetryTopic(`sensors/${deviceId}/telemetry`)).toEqual({ ok: true, deviceId });
    expect(telemetryTopic(deviceId)).toBe(`sensors/${deviceId}/telemetry`);
  });

  it.each([
    [
      'sensors//telemetry',
      'invalid_topic',
      'topic "sensors//telemetry" is not of the form sensors/<deviceId>/telemetry',
    ],
    [
      'sensors/a/status',
      'invalid_topic',
      'topic "sensors/a/status" is not of the form sensors/<deviceId>/telemetry',
    ],
    [
      'devices/a/telemetry',
      'invalid_topic',
      'topic "devices/a/telemetry" is not of the form sensors/<deviceId>/telemetry',
    ],
    [
      'sensors/a/telemetry/x',
      'invalid_topic',
      'topic "sensors/a/telemetry/x" is not of the form sensors/<deviceId>/telemetry',
    ],
    ['', 'invalid_topic', 'topic "" is not of the form sensors/<deviceId>/telemetry'],
    [
      'sensors/a b/telemetry',
      'invalid_device_id',
      `device id "a b" is not valid: use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit`,
    ],
    [
      'sensors/-a/telemetry',
      'invalid_device_id',
      `device id "-a" is not valid: use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit`,
    ],
    [
      `sensors/${'x'.repeat(65)}/telemetry`,
      'invalid_device_id',
      `device id "${'x'.repeat(65)}" is not valid: use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit`,
    ],
    [
      'sensors/a/b/telemetry',
      'invalid_device_id',
      'topic "sensors/a/b/telemetry" has more than one level between sensors/ and /telemetry',
    ],
  ])('refuses %j (%s)', (topic, code, reason) => {
    expect(parseTelemetryTopic(topic)).toEqual({ ok: false, code, reason });
  });

  it('cuts a very long topic in the reason', () => {
    const result = parseTelemetryTopic(`sensors/${'y'.repeat(500)}/telemetry`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeLessThan(200);
  });

  it('refuses to build a topic for an invalid device id', () => {
    expect(() => telemetryTopic('a/b')).toThrow(/device id "a\/b" does not match/);
  });
});
