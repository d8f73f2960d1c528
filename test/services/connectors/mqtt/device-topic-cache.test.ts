import { describe, expect, it } from 'vitest';
import { DeviceTopicCache } from '../../../../services/connectors/mqtt/device-topic-cache.ts';
import { parseTelemetryTopic } from '../../../../services/connectors/mqtt/telemetry-topic.ts';

describe('DeviceTopicCache', () => {
  it('parses a valid topic once, then answers from memory', () => {
    let parsed = 0;
    const cache = new DeviceTopicCache((topic) => {
      parsed++;
      return parseTelemetryTopic(topic);
    });
    for (let i = 0; i < 3; i++) {
      expect(cache.parse('sensors/boiler-1/telemetry')).toEqual({ ok: true, deviceId: 'boiler-1' });
    }
    expect(parsed).toBe(1);
  });

  it('explains a refused topic every time and does not remember it', () => {
    let parsed = 0;
    const cache = new DeviceTopicCache((topic) => {
      parsed++;
      return parseTelemetryTopic(topic);
    });
    for (let i = 0; i < 2; i++) expect(cache.parse('sensors/a b/telemetry')).toMatchObject({ ok: false });
    expect(parsed).toBe(2);
  });

  it('stays right when it starts over after maxTopics topics', () => {
    const cache = new DeviceTopicCache(parseTelemetryTopic, 2);
    for (let round = 0; round < 3; round++) {
      for (const id of ['a', 'b', 'c'])
        expect(cache.parse(`sensors/${id}/telemetry`)).toEqual({ ok: true, deviceId: id });
    }
  });
});
