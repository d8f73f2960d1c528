import { Aedes } from 'aedes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerSource } from '../../../../services/connectors/mqtt/broker-source.ts';
import { DEAD_LETTER_TOPIC, type DeadLetter } from '../../../../services/connectors/mqtt/dead-letters.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { CollectingContext } from './collecting-context.ts';

const T = 1_700_000_000_000;

/** An in-memory Aedes without any socket: publishes go straight through its router. */
describe('BrokerSource on an in-process Aedes', () => {
  let broker: Aedes;
  let ctx: CollectingContext;
  let source: BrokerSource;

  beforeEach(async () => {
    broker = await Aedes.createBroker({ heartbeatInterval: 60_000 });
    ctx = new CollectingContext(new ManualClock(T));
    source = new BrokerSource({ broker });
  });

  afterEach(async () => {
    await source.close();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });

  /** Resolves when Aedes finished delivering: every subscriber called back. */
  function publish(topic: string, payload: string): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      broker.publish(
        { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, dup: false, retain: false },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }

  function deadLetterListener() {
    const letters: DeadLetter[] = [];
    broker.subscribe(
      DEAD_LETTER_TOPIC,
      (packet, done) => {
        letters.push(JSON.parse(packet.payload.toString()) as DeadLetter);
        done();
      },
      () => {},
    );
    return letters;
  }

  it('turns telemetry into readings and refused messages into dead letters', async () => {
    const letters = deadLetterListener();
    await source.open(ctx);
    expect(source.stats().subscribed).toBe(true);
    await publish('sensors/a/telemetry', `{"ts":${T},"t":1}`);
    await publish('sensors/a/telemetry', `{"ts":${T},"t":null}`);
    await publish('sensors/b/telemetry', `[{"ts":${T},"t":2},{"ts":"2023-11-14T22:13:21Z","t":3}]`);
    expect(ctx.records).toEqual([
      { device: 'a', metric: 't', ts: T, value: 1 },
      { device: 'b', metric: 't', ts: T, value: 2 },
      { device: 'b', metric: 't', ts: T + 1000, value: 3 },
    ]);
    expect(letters).toEqual([
      {
        topic: 'sensors/a/telemetry',
        code: 'invalid_value',
        reason: 'field "t": expected a finite number, got null',
        payload: `{"ts":${T},"t":null}`,
        encoding: 'utf8',
        bytes: 29,
        truncated: false,
        receivedAt: '2023-11-14T22:13:20.000Z',
      },
    ]);
    expect(source.stats()).toMatchObject({ messages: 3, readings: 3, deadLetters: 1 });
  });

  it('holds deliveries while paused, so Aedes does not finish the publish, and releases them in order', async () => {
    await source.open(ctx);
    source.pause();
    const finished: number[] = [];
    const first = publish('sensors/a/telemetry', `{"ts":${T},"t":1}`).then(() => finished.push(1));
    const second = publish('sensors/a/telemetry', `{"ts":${T + 1},"t":2}`).then(() => finished.push(2));
    expect(source.stats()).toMatchObject({ paused: true, heldMessages: 2, messages: 0 });
    expect(ctx.records).toEqual([]);

    source.resume();
    await Promise.all([first, second]);
    expect(finished).toEqual([1, 2]);
    expect(ctx.records.map((r) => r.value)).toEqual([1, 2]);
    expect(source.stats()).toMatchObject({ paused: false, heldMessages: 0, messages: 2 });
  });

  it('stops draining when the job pauses it again during resume()', async () => {
    const pausing = new CollectingContext(new ManualClock(T));
    pausing.collectBatch = (records) => {
      pausing.records.push(...records);
      source.pause(); // downstream full after every message
    };
    await source.open(pausing);
    source.pause();
    void publish('sensors/a/telemetry', `{"ts":${T},"t":1}`);
    void publish('sensors/a/telemetry', `{"ts":${T},"t":2}`);
    source.resume();
    expect(pausing.records.map((r) => r.value)).toEqual([1]);
    expect(source.stats().heldMessages).toBe(1);
    source.resume();
    expect(pausing.records.map((r) => r.value)).toEqual([1, 2]);
  });

  it('on close, releases held deliveries without emitting them and unsubscribes', async () => {
    await source.open(ctx);
    source.pause();
    const held = publish('sensors/a/telemetry', `{"ts":${T},"t":1}`);
    await source.close();
    await held; // Aedes is not left waiting on a closed source
    await publish('sensors/a/telemetry', `{"ts":${T},"t":2}`);
    expect(ctx.records).toEqual([]);
    expect(source.stats()).toMatchObject({ subscribed: false, heldMessages: 0, messages: 0 });
  });

  it('refuses to open on a closed broker', async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await expect(source.open(ctx)).rejects.toThrow(
      'broker-source: the embedded broker is closed; start it before the job',
    );
  });
});
