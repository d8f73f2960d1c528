import { describe, expect, it } from 'vitest';
import {
  explainTopicName,
  MAX_TOPIC_LENGTH,
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

  it.each([
    [
      'sensors/+/telemetry',
      `topic "sensors/+/telemetry" holds the wildcard '+': wildcards belong in subscriptions, a device publishes on a plain topic`,
    ],
    [
      'sensors/#/telemetry',
      `topic "sensors/#/telemetry" holds the wildcard '#': wildcards belong in subscriptions, a device publishes on a plain topic`,
    ],
    [
      'sensors/a\u0000/telemetry',
      'topic "sensors/a\\u0000/telemetry" holds the control character U+0000: topics are printable text',
    ],
    [
      'sensors/a\n/telemetry',
      'topic "sensors/a\\n/telemetry" holds the control character U+000A: topics are printable text',
    ],
    [
      'sensors/a\u0085/telemetry',
      'topic "sensors/a\\u0085/telemetry" holds the control character U+0085: topics are printable text',
    ],
  ])('refuses %j as invalid_topic with the reason', (topic, reason) => {
    expect(parseTelemetryTopic(topic)).toEqual({ ok: false, code: 'invalid_topic', reason });
    expect(explainTopicName(topic)).toBe(reason);
  });

  it('refuses a topic longer than MAX_TOPIC_LENGTH, naming its length', () => {
    const topic = `sensors/${'x/'.repeat(600)}telemetry`;
    const result = parseTelemetryTopic(topic);
    expect(result).toMatchObject({ ok: false, code: 'invalid_topic' });
    expect(!result.ok && result.reason).toMatch(
      new RegExp(`is ${topic.length} characters long, the limit is ${MAX_TOPIC_LENGTH}$`),
    );
    expect(explainTopicName(`sensors/${'x'.repeat(64)}/telemetry`)).toBeUndefined();
  });

  it.each([',', '=', ' ', '/', '..', '\\', 'é', '😀', '\u202e'])(
    'refuses a device id holding %j, so no id can break an InfluxDB tag or a file path',
    (part) => {
      for (const id of [`a${part}b`, `${part}a`]) {
        if (part === '..' && id === 'a..b') continue; // a file name, not a path step: checked below
        expect(parseTelemetryTopic(`sensors/${id}/telemetry`).ok).toBe(false);
      }
    },
  );

  it("takes 'a..b' (a plain file name) but never '.' or '..'", () => {
    expect(parseTelemetryTopic('sensors/a..b/telemetry')).toEqual({ ok: true, deviceId: 'a..b' });
    expect(parseTelemetryTopic('sensors/../telemetry').ok).toBe(false);
    expect(parseTelemetryTopic('sensors/./telemetry').ok).toBe(false);
  });

  it('refuses to build a topic for an invalid device id', () => {
    expect(() => telemetryTopic('a/b')).toThrow(/device id "a\/b" does not match/);
  });
});
