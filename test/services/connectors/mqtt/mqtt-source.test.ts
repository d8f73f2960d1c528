import { describe, expect, it } from 'vitest';
import { MqttSource } from '../../../../services/connectors/mqtt/mqtt-source.ts';

describe('MqttSource (no broker needed)', () => {
  it('refuses URLs it cannot use, saying what to write instead', () => {
    expect(() => new MqttSource({ url: 'http://127.0.0.1:1883' })).toThrow(
      'unsupported MQTT URL scheme "http:" in http://127.0.0.1:1883: use mqtt:// or mqtts://',
    );
    expect(() => new MqttSource({ url: 'ws://u:secret@host:9001' })).toThrow(
      'unsupported MQTT URL scheme "ws:" in ws://u:***@host:9001/: use mqtt:// or mqtts://',
    );
    expect(() => new MqttSource({ url: 'localhost' })).toThrow(
      'invalid MQTT URL "localhost": use mqtt://host:1883 or mqtts://host:8883',
    );
  });

  it('refuses a bad QoS or timeout', () => {
    expect(() => new MqttSource({ url: 'mqtt://h', qos: 3 as 1 })).toThrow(
      'MQTT qos must be 0, 1 or 2, got 3',
    );
    expect(() => new MqttSource({ url: 'mqtt://h', connectTimeoutMs: 0 })).toThrow(
      'connectTimeoutMs must be > 0',
    );
  });

  it('reports zeroed stats and closes cleanly before it was opened', async () => {
    const source = new MqttSource({ url: 'mqtts://broker.example:8883', name: 'site-a' });
    expect(source.name).toBe('site-a');
    expect(source.stats()).toEqual({
      messages: 0,
      readings: 0,
      deadLetters: 0,
      deadLettersByCode: {},
      deadLetterPublishFailures: 0,
      connected: false,
      paused: false,
      heldMessages: 0,
    });
    await source.close();
  });
});
