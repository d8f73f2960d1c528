import { describe, expect, it } from 'vitest';
import { checkpointStateFor } from '../../../../services/connectors/mqtt/checkpoint-state.ts';
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

describe("MqttSource with ackOn: 'checkpoint' (no broker needed)", () => {
  const url = 'mqtt://127.0.0.1:1883';

  it('refuses options that cannot keep a session or hold PUBACKs, saying what to set', () => {
    expect(() => new MqttSource({ url, ackOn: 'checkpoint' })).toThrow(
      `MQTT source with ackOn 'checkpoint': set a stable clientId`,
    );
    expect(() => new MqttSource({ url, ackOn: 'checkpoint', clientId: 'e', qos: 0 })).toThrow(
      'qos must be 1 (got 0)',
    );
    expect(
      () => new MqttSource({ url, ackOn: 'checkpoint', clientId: 'e', clientOptions: { clean: true } }),
    ).toThrow('clientOptions.clean must not be true');
    expect(
      () => new MqttSource({ url, ackOn: 'checkpoint', clientId: 'e', maxUnacknowledged: 70_000 }),
    ).toThrow('maxUnacknowledged must be an integer from 1 to 65,535');
    expect(
      () =>
        new MqttSource({
          url,
          ackOn: 'checkpoint',
          clientId: 'e',
          maxUnacknowledged: 10,
          requestCheckpointAt: 11,
        }),
    ).toThrow('requestCheckpointAt must be an integer from 1 to maxUnacknowledged (10), got 11');
    expect(() => new MqttSource({ url, ackOn: 'eventually' as 'receipt' })).toThrow(
      `ackOn must be 'receipt' or 'checkpoint', got "eventually"`,
    );
  });

  it('has no state to snapshot when acknowledging on receipt', () => {
    const source = new MqttSource({ url });
    source.restoreState({ anything: true });
    expect(source.snapshotState(1)).toBeUndefined();
  });

  it('refuses a restored state of another format with a clear error', () => {
    const source = new MqttSource({ url, ackOn: 'checkpoint', clientId: 'e' });
    expect(() => source.restoreState({ format: 'kafka/1', offsets: [1, 2] })).toThrow(
      'cannot restore the MQTT source: expected a state of format eddy.mqtt-source/1, got format "kafka/1"',
    );
    expect(source.snapshotState(1)).toBeUndefined(); // not open: nothing taken yet
  });

  it("restores only its own client id's entries from several splits' states", () => {
    const mine = { format: 'eddy.mqtt-source/1', clientId: 'e', messages: [[3, 'fp3']] };
    const other = { format: 'eddy.mqtt-source/1', clientId: 'f', messages: [[4, 'fp4']] };
    expect(checkpointStateFor([mine, other], 'e')).toEqual([mine]);
  });
});
