import { connectAsync, type IPublishPacket, type MqttClient } from 'mqtt';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../../../services/common/logger.ts';
import { MqttAlertSink } from '../../../../services/connectors/mqtt/alert-sink.ts';
import type { AnomalyEvent } from '../../../../services/domain/anomaly.ts';
import { systemClock } from '../../../../services/engine/time/clock.ts';
import { openMqttIngest } from '../../../../services/server/mqtt-ingest.ts';
import { MqttPublisher } from '../../../../simulators/mqtt-publisher.ts';
import { waitFor } from '../../../support/wait-for.ts';

/**
 * Alerts as a subscriber gets them: each anomaly event as JSON on `alerts/<deviceId>`, delivered
 * with QoS 1, through the shared test Mosquitto (an mqtt.js client publishing) and through the
 * embedded Aedes broker (published in process), `flush()` resolving once the broker acknowledged.
 */

const event = (device: string, i: number): AnomalyEvent => ({
  device,
  metric: 'temperature',
  metrics: ['temperature'],
  ts: 1_700_000_000_000 + i * 1_000,
  score: 0.9,
  detector: 'anomalies',
  value: 40 + i,
  expected: 21.4,
  lower: 19.9,
  upper: Number.NaN,
  reason: `value ${40 + i} is far above 21.4`,
});

/** Subscribes to `alerts/+` with QoS 1 and keeps every message on the devices named `prefix-*`. */
async function subscribeAlerts(url: string, clientId: string, prefix: string) {
  const client = await connectAsync(url, { clientId, reconnectPeriod: 0 });
  const received: { topic: string; qos: number; body: unknown }[] = [];
  client.on('message', (topic, payload, packet: IPublishPacket) => {
    if (topic.startsWith(`alerts/${prefix}-`))
      received.push({ topic, qos: packet.qos, body: JSON.parse(payload.toString()) });
  });
  await client.subscribeAsync('alerts/+', { qos: 1 });
  return { client, received };
}

describe('MqttAlertSink through real brokers', () => {
  let observer: MqttClient | undefined;

  afterAll(async () => {
    await observer?.endAsync();
  });

  it('publishes alerts to a real Mosquitto: JSON on alerts/<deviceId>, QoS 1, flush after the PUBACKs', async () => {
    const url = inject('mqttUrl');
    const { client, received } = await subscribeAlerts(url, 'alert-sink-test-observer', 'mosq');
    observer = client;
    const publisher = await MqttPublisher.connect({ url, clientId: 'alert-sink-test-publisher' });
    const sink = new MqttAlertSink({ publisher, maxInFlight: 4 });
    await sink.open({ clock: systemClock });
    const events = Array.from({ length: 20 }, (_, i) => event(`mosq-${i % 3}`, i));
    for (const e of events) sink.write(e);
    await sink.flush();
    expect(sink.stats()).toMatchObject({ published: 20, inFlight: 0, queued: 0, retries: 0 });
    await waitFor(() => received.length >= 20, { timeoutMs: 5_000, message: '20 alerts' });
    expect(received).toHaveLength(20);
    for (const e of events) {
      const got = received.find((r) => (r.body as AnomalyEvent).ts === e.ts);
      expect(got).toEqual({ topic: `alerts/${e.device}`, qos: 1, body: { ...e, upper: null } });
    }
    await sink.close();
    await publisher.close();
  });

  it('publishes alerts through the embedded broker to a subscribed client, with QoS 1', async () => {
    const ingest = await openMqttIngest({ mqttPort: 0, mqttHost: '127.0.0.1' }, silentLogger);
    try {
      const { client, received } = await subscribeAlerts(ingest.url, 'alert-sink-embedded-observer', 'emb');
      const sink = new MqttAlertSink({ publisher: await ingest.openPublisher() });
      await sink.open({ clock: systemClock });
      sink.write(event('emb-1', 0));
      sink.write(event('emb-2', 1));
      await sink.flush();
      await waitFor(() => received.length >= 2, { timeoutMs: 5_000, message: '2 alerts' });
      expect(received.map((r) => [r.topic, r.qos])).toEqual([
        ['alerts/emb-1', 1],
        ['alerts/emb-2', 1],
      ]);
      expect(received[0]?.body).toEqual({ ...event('emb-1', 0), upper: null });
      await sink.close();
      await client.endAsync();
    } finally {
      await ingest.close();
    }
  });
});
