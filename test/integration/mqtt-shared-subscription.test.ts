import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { MqttSource } from '../../services/connectors/mqtt/mqtt-source.ts';
import type { Reading } from '../../services/domain/reading.ts';
import { systemClock } from '../../services/engine/time/clock.ts';
import { CollectingContext } from '../services/connectors/mqtt/collecting-context.ts';
import { waitFor } from '../support/wait-for.ts';

const MESSAGES = 40;
const T0 = 1_700_000_000_000;
const TOPIC = 'shared/{device}/telemetry';

/** One reading per message, on one of two devices; `value` numbers the messages. */
function readings(): Reading[] {
  return Array.from({ length: MESSAGES }, (_, i) => ({
    device: `share-d${i % 2}`,
    metric: 'seq',
    ts: T0 + i,
    value: i,
  }));
}

describe('MqttSource with a shared subscription (real mosquitto)', () => {
  let url: string;
  let publisher: MqttClient;
  const sources: MqttSource[] = [];

  beforeAll(async () => {
    url = inject('mqttUrl');
    publisher = await connectAsync(url, { clientId: 'mqtt-shared-test-publisher', reconnectPeriod: 0 });
  });

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await publisher?.endAsync();
  });

  async function openMember(clientId: string, group: string): Promise<CollectingContext> {
    const source = new MqttSource({ url, clientId, sharedGroup: group, topics: [TOPIC], qos: 1 });
    sources.push(source);
    const ctx = new CollectingContext(systemClock);
    await source.open(ctx);
    return ctx;
  }

  it('splits the messages between the members of a group: each reading reaches exactly one', async () => {
    const a = await openMember('mqtt-shared-test-a', 'eddy-test');
    const b = await openMember('mqtt-shared-test-b', 'eddy-test');
    const sent = readings();
    for (const r of sent) {
      await publisher.publishAsync(
        TOPIC.replace('{device}', r.device),
        JSON.stringify({ ts: r.ts, seq: r.value }),
        { qos: 1 },
      );
    }
    await waitFor(() => a.records.length + b.records.length >= MESSAGES, {
      message: `${MESSAGES} readings between the two members`,
    });
    expect(a.records.length).toBeGreaterThan(0);
    expect(b.records.length).toBeGreaterThan(0);
    const both = [...a.records, ...b.records].sort((x, y) => x.value - y.value);
    expect(both).toEqual(sent);
    // Each member still takes its share in publication order.
    for (const ctx of [a, b]) {
      const values = ctx.records.map((r) => r.value);
      expect(values).toEqual([...values].sort((x, y) => x - y));
    }
  });
});
