import { describe, expect, it } from 'vitest';
import { MqttPublisher } from '../../simulators/mqtt-publisher.ts';

describe('MqttPublisher.connect', () => {
  it('rejects a URL it cannot use, saying what it expects', () => {
    expect(() => MqttPublisher.connect({ url: 'localhost:1883' })).toThrow(
      /unsupported MQTT URL protocol localhost:/,
    );
    expect(() => MqttPublisher.connect({ url: 'http://user:secret@example.test' })).toThrow(
      /unsupported MQTT URL protocol http: in http:\/\/user:\*\*\*@example.test/,
    );
    expect(() => MqttPublisher.connect({ url: 'not a url' })).toThrow(
      /not a URL: "not a url"; expected e.g. mqtt:/,
    );
  });

  it('says clearly when nothing listens at the URL', async () => {
    await expect(MqttPublisher.connect({ url: 'mqtt://127.0.0.1:1' })).rejects.toMatchObject({
      code: 'EDDY_MQTT_UNREACHABLE',
      message: expect.stringMatching(
        /^cannot connect to the MQTT broker at mqtt:\/\/127.0.0.1:1 \(connect ECONNREFUSED/,
      ),
    });
  });
});
