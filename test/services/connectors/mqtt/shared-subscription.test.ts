import { describe, expect, it } from 'vitest';
import { MqttSource } from '../../../../services/connectors/mqtt/mqtt-source.ts';
import { subscriptionFilters } from '../../../../services/connectors/mqtt/shared-subscription.ts';
import { compileTopicPatterns } from '../../../../services/connectors/mqtt/topic-pattern.ts';

describe('subscriptionFilters', () => {
  const topics = compileTopicPatterns(['sensors/{device}/telemetry', 'plant/+/{device}/#']);

  it('subscribes to the patterns’ filters without a group', () => {
    expect(subscriptionFilters(topics)).toEqual(['sensors/+/telemetry', 'plant/+/+/#']);
  });

  it('puts every filter under $share/<group>/ for a shared group', () => {
    expect(subscriptionFilters(topics, 'eddy')).toEqual([
      '$share/eddy/sensors/+/telemetry',
      '$share/eddy/plant/+/+/#',
    ]);
  });

  it('refuses a group that is not one topic level, when the source is made', () => {
    for (const group of ['', 'a/b', 'a+', '#', 'a\u0000b']) {
      expect(() => subscriptionFilters(topics, group)).toThrow('invalid MQTT shared-subscription group');
      expect(() => new MqttSource({ url: 'mqtt://h', sharedGroup: group })).toThrow(
        `invalid MQTT shared-subscription group ${JSON.stringify(group)}: use a non-empty name without / + #`,
      );
    }
  });
});
