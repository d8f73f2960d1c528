import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../../services/common/free-port.ts';
import { DEAD_LETTER_TOPIC } from '../../../../services/connectors/mqtt/dead-letters.ts';
import { MqttSource } from '../../../../services/connectors/mqtt/mqtt-source.ts';
import { systemClock } from '../../../../services/engine/time/clock.ts';
import { CollectingContext } from '../../../services/connectors/mqtt/collecting-context.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { MessageCollector, publishAll, telemetryScenario } from './telemetry-scenario.ts';

describe('MqttSource against a real mosquitto', () => {
  let url: string;
  let publisher: MqttClient;
  let observer: MqttClient;
  let deadLetters: MessageCollector;
  const sources: MqttSource[] = [];

  beforeAll(async () => {
    url = inject('mqttUrl');
    publisher = await connectAsync(url, { clientId: 'mqtt-source-test-publisher', reconnectPeriod: 0 });
    observer = await connectAsync(url, { clientId: 'mqtt-source-test-observer', reconnectPeriod: 0 });
    deadLetters = new MessageCollector(observer);
    await observer.subscribeAsync(DEAD_LETTER_TOPIC, { qos: 1 });
  });

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
    deadLetters.messages.length = 0;
  });

  afterAll(async () => {
    await Promise.all([publisher?.endAsync(), observer?.endAsync()]);
  });

  function newSource(clientId: string) {
    const source = new MqttSource({ url, clientId, connectTimeoutMs: 5_000 });
    sources.push(source);
    return source;
  }

  it('emits exactly the good readings and publishes a dead letter for each bad message', async () => {
    const scenario = telemetryScenario('mst');
    const source = newSource('mqtt-source-test-1');
    const ctx = new CollectingContext(systemClock);
    await source.open(ctx);
    expect(source.stats()).toMatchObject({ connected: true, messages: 0 });

    await publishAll(publisher, scenario.messages);
    await ctx.waitForCount(scenario.readings.length);
    await deadLetters.waitForCount(scenario.deadLetters.length);

    expect(ctx.records).toEqual(scenario.readings);
    expect(deadLetters.messages.map((m) => m.topic)).toEqual([DEAD_LETTER_TOPIC, DEAD_LETTER_TOPIC]);
    expect(deadLetters.json()).toEqual(scenario.deadLetters.map((letter) => expect.objectContaining(letter)));
    expect(source.stats()).toMatchObject({
      messages: 6,
      readings: 6,
      deadLetters: 2,
      deadLettersByCode: { invalid_value: 1, invalid_json: 1 },
      connected: true,
      paused: false,
      heldMessages: 0,
    });
  });

  it('stops reading while paused and delivers everything, in order, on resume', async () => {
    const scenario = telemetryScenario('mst-pause');
    const good = scenario.messages.filter(
      ([, payload]) => !payload.includes('hot') && !payload.includes('not json'),
    );
    const source = newSource('mqtt-source-test-pause');
    const ctx = new CollectingContext(systemClock);
    await source.open(ctx);

    source.pause();
    await publishAll(publisher, good); // mosquitto takes them; the source reads one and holds it
    await waitFor(() => source.stats().heldMessages === 1, { message: 'the source to hold a message' });
    expect(ctx.records).toEqual([]);
    expect(source.stats()).toMatchObject({ paused: true, messages: 0 });

    source.resume();
    await ctx.waitForCount(scenario.readings.length);
    expect(ctx.records).toEqual(scenario.readings);
    expect(source.stats()).toMatchObject({ paused: false, heldMessages: 0, messages: 4, deadLetters: 0 });
  });

  it('ends its connection on close()', async () => {
    const source = newSource('mqtt-source-test-close');
    await source.open(new CollectingContext(systemClock));
    await source.close();
    expect(source.stats().connected).toBe(false);
    await source.close(); // idempotent
  });

  it("replaces mqtt.js's per-packet debug log with a no-op, unless clientOptions gives a log", async () => {
    const clientOf = (s: MqttSource) => (s as unknown as { client: MqttClient }).client;
    const quiet = newSource('mqtt-source-test-log');
    await quiet.open(new CollectingContext(systemClock));
    const log = clientOf(quiet).options.log;
    expect(log).toBeTypeOf('function');
    expect((log as { namespace?: string }).namespace).toBeUndefined(); // not a `debug` instance
    const lines: unknown[][] = [];
    const own = new MqttSource({
      url,
      clientId: 'mqtt-source-test-own-log',
      connectTimeoutMs: 5_000,
      clientOptions: { log: (...args: unknown[]) => lines.push(args) },
    });
    sources.push(own);
    await own.open(new CollectingContext(systemClock));
    expect(lines.length).toBeGreaterThan(0);
  });

  it('fails open() with a clear error when no broker answers in time', async () => {
    const port = await freePort(); // nothing listens there
    const source = new MqttSource({ url: `mqtt://127.0.0.1:${port}`, connectTimeoutMs: 300 });
    await expect(source.open(new CollectingContext(systemClock))).rejects.toThrow(
      new RegExp(
        `^could not connect to the MQTT broker at mqtt://127\\.0\\.0\\.1:${port} within 300 ms: .*ECONNREFUSED.*; ` +
          'check that the broker is running and that the URL \\(--mqtt\\) is right$',
      ),
    );
    expect(source.stats().connected).toBe(false);
  });
});
