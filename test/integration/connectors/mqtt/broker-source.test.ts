import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../../../services/broker/embedded-broker.ts';
import { BrokerSource } from '../../../../services/connectors/mqtt/broker-source.ts';
import { DEAD_LETTER_TOPIC } from '../../../../services/connectors/mqtt/dead-letters.ts';
import { systemClock } from '../../../../services/engine/time/clock.ts';
import { CollectingContext } from '../../../services/connectors/mqtt/collecting-context.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { MessageCollector, publishAll, telemetryScenario } from './telemetry-scenario.ts';

describe('BrokerSource on the embedded broker, fed by an external MQTT client', () => {
  let embedded: EmbeddedBroker;
  let publisher: MqttClient;
  let observer: MqttClient;
  let deadLetters: MessageCollector;

  beforeAll(async () => {
    embedded = await startEmbeddedBroker({ port: 0 });
    publisher = await connectAsync(embedded.url, {
      clientId: 'broker-source-test-publisher',
      reconnectPeriod: 0,
    });
    observer = await connectAsync(embedded.url, {
      clientId: 'broker-source-test-observer',
      reconnectPeriod: 0,
    });
    deadLetters = new MessageCollector(observer);
    await observer.subscribeAsync(DEAD_LETTER_TOPIC, { qos: 1 });
  });

  afterAll(async () => {
    await Promise.all([publisher?.endAsync(), observer?.endAsync()]);
    await embedded?.close();
  });

  it('emits exactly the good readings and publishes a dead letter for each bad message', async () => {
    const scenario = telemetryScenario('bst');
    const source = new BrokerSource({ broker: embedded.broker });
    const ctx = new CollectingContext(systemClock);
    await source.open(ctx);
    try {
      await publishAll(publisher, scenario.messages);
      await ctx.waitForCount(scenario.readings.length);
      await deadLetters.waitForCount(scenario.deadLetters.length);

      expect(ctx.records).toEqual(scenario.readings);
      expect(deadLetters.messages.map((m) => m.topic)).toEqual([DEAD_LETTER_TOPIC, DEAD_LETTER_TOPIC]);
      expect(deadLetters.json()).toEqual(
        scenario.deadLetters.map((letter) => expect.objectContaining(letter)),
      );
      expect(source.stats()).toMatchObject({
        messages: 6,
        readings: 6,
        deadLetters: 2,
        deadLettersByCode: { invalid_value: 1, invalid_json: 1 },
        subscribed: true,
      });
    } finally {
      await source.close();
    }
  });

  it('pushes back on the publishing device while paused, and catches up in order on resume', async () => {
    const scenario = telemetryScenario('bst-pause');
    const good = scenario.messages.filter(
      ([, payload]) => !payload.includes('hot') && !payload.includes('not json'),
    );
    const source = new BrokerSource({ broker: embedded.broker });
    const ctx = new CollectingContext(systemClock);
    await source.open(ctx);
    try {
      source.pause();
      // Not awaited: with a delivery held, Aedes stops reading this client's socket, so later
      // PUBACKs wait for resume().
      const sent = publishAll(publisher, good);
      await waitFor(() => source.stats().heldMessages > 0, { message: 'the source to hold a delivery' });
      expect(ctx.records).toEqual([]);

      source.resume();
      await sent;
      await ctx.waitForCount(scenario.readings.length);
      expect(ctx.records).toEqual(scenario.readings);
    } finally {
      await source.close();
    }
  });

  it('receives nothing more once closed', async () => {
    const source = new BrokerSource({ broker: embedded.broker });
    const ctx = new CollectingContext(systemClock);
    await source.open(ctx);
    await source.close();
    // A second subscriber sees the message: by then Aedes has delivered it to every subscription.
    const watcher = await connectAsync(embedded.url, {
      clientId: 'broker-source-test-watcher',
      reconnectPeriod: 0,
    });
    try {
      const seen = new MessageCollector(watcher);
      await watcher.subscribeAsync('sensors/+/telemetry', { qos: 1 });
      await publisher.publishAsync('sensors/bst-closed/telemetry', '{"ts":1,"t":1}', { qos: 1 });
      await seen.waitForCount(1);
      expect(ctx.records).toEqual([]);
    } finally {
      await watcher.endAsync();
    }
  });
});
