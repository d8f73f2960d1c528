import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../../services/common/random.ts';
import { alertPayload, alertTopic } from '../../../../services/connectors/mqtt/alert-message.ts';
import { MqttAlertSink } from '../../../../services/connectors/mqtt/alert-sink.ts';
import type { AnomalyEvent } from '../../../../services/domain/anomaly.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import type { PublishOptions } from '../../../../simulators/publisher.ts';

const event = (device: string, ts = 1_700_000_000_000): AnomalyEvent => ({
  device,
  metric: 'temperature',
  metrics: ['temperature'],
  ts,
  score: 0.97,
  detector: 'spikes',
  value: 31.2,
  expected: 21.4,
  lower: 19.9,
  upper: 22.9,
  reason: 'value 31.2 is 7.4 std above the mean 21.4',
});

/** A publisher whose publishes wait until the test acknowledges or fails them. */
class FakeBroker {
  readonly calls: {
    topic: string;
    payload: string;
    options: PublishOptions;
    ack(): void;
    fail(e: Error): void;
  }[] = [];
  publish(topic: string, payload: string, options: PublishOptions): Promise<void> {
    return new Promise((ack, fail) => this.calls.push({ topic, payload, options, ack: () => ack(), fail }));
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const noJitter = { baseMs: 100, maxMs: 1_000, jitter: 0 };

function sinkOn(broker: FakeBroker, clock: ManualClock, options: { maxInFlight?: number } = {}) {
  return new MqttAlertSink({
    publisher: broker,
    clock,
    random: createRandom(1),
    backoff: noJitter,
    closeTimeoutMs: 5_000,
    ...options,
  });
}

/** Whether `promise` has settled (after the pending callbacks ran). */
async function isDone(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await settle();
  return done;
}

describe('alertTopic and alertPayload', () => {
  it("are the device's alerts topic and the event as JSON, non-finite numbers as null", () => {
    expect(alertTopic('boiler-1')).toBe('alerts/boiler-1');
    const silent = { ...event('pump.2'), value: Number.NaN, lower: Number.NaN, upper: Number.NaN };
    expect(JSON.parse(alertPayload(silent))).toEqual({ ...silent, value: null, lower: null, upper: null });
  });
});

describe('MqttAlertSink', () => {
  it('publishes each event to alerts/<device> with QoS 1, and flush waits for the PUBACKs', async () => {
    const broker = new FakeBroker();
    const clock = new ManualClock(0);
    const sink = sinkOn(broker, clock);
    sink.write(event('boiler-1')); // before open: waits
    await sink.open({ clock });
    sink.write(event('pump.2'));
    expect(broker.calls.map((c) => [c.topic, c.options.qos])).toEqual([
      ['alerts/boiler-1', 1],
      ['alerts/pump.2', 1],
    ]);
    expect(JSON.parse(broker.calls[0]!.payload)).toEqual(event('boiler-1'));
    const flushed = sink.flush();
    broker.calls[1]!.ack(); // a later alert acknowledged first: the earlier one still pending
    expect(await isDone(flushed)).toBe(false);
    broker.calls[0]!.ack();
    expect(await isDone(flushed)).toBe(true);
    expect(sink.stats()).toMatchObject({ published: 2, inFlight: 0, queued: 0, retries: 0 });
  });

  it('keeps at most maxInFlight publishes waiting; the rest queue in order', async () => {
    const broker = new FakeBroker();
    const clock = new ManualClock(0);
    const sink = sinkOn(broker, clock, { maxInFlight: 2 });
    await sink.open({ clock });
    for (let i = 0; i < 5; i++) sink.write(event(`d${i}`));
    expect(broker.calls.map((c) => c.topic)).toEqual(['alerts/d0', 'alerts/d1']);
    expect(sink.stats()).toMatchObject({ inFlight: 2, queued: 3 });
    const flushed = sink.flush();
    broker.calls[0]!.ack();
    await settle();
    expect(broker.calls.map((c) => c.topic)).toEqual(['alerts/d0', 'alerts/d1', 'alerts/d2']);
    for (let i = 1; i < 5; i++) {
      broker.calls[i]!.ack();
      await settle();
    }
    expect(await isDone(flushed)).toBe(true);
    expect(broker.calls).toHaveLength(5);
  });

  it('flush covers the alerts written before it only', async () => {
    const broker = new FakeBroker();
    const clock = new ManualClock(0);
    const sink = sinkOn(broker, clock);
    await sink.open({ clock });
    expect(await isDone(sink.flush())).toBe(true); // nothing written
    sink.write(event('a'));
    const first = sink.flush();
    sink.write(event('b'));
    broker.calls[0]!.ack();
    expect(await isDone(first)).toBe(true);
    expect(await isDone(sink.flush())).toBe(false);
  });

  it('retries a failed publish with backoff, logging it, until the broker acknowledges', async () => {
    const broker = new FakeBroker();
    const clock = new ManualClock(0);
    const sink = sinkOn(broker, clock);
    await sink.open({ clock });
    sink.write(event('boiler-1'));
    const flushed = sink.flush();
    broker.calls[0]!.fail(new Error('connection closed'));
    await settle();
    clock.advance(99);
    expect(broker.calls).toHaveLength(1);
    clock.advance(1); // first retry after 100 ms
    expect(broker.calls).toHaveLength(2);
    broker.calls[1]!.fail(new Error('connection closed'));
    await settle();
    clock.advance(200); // then 200 ms
    expect(broker.calls).toHaveLength(3);
    expect(broker.calls[2]!.payload).toBe(broker.calls[0]!.payload);
    expect(await isDone(flushed)).toBe(false);
    broker.calls[2]!.ack();
    expect(await isDone(flushed)).toBe(true);
    expect(sink.stats()).toMatchObject({ published: 1, retries: 2, lastError: 'connection closed' });
  });

  it('a publisher that throws does not throw into the job: the alert is retried', async () => {
    const clock = new ManualClock(0);
    let calls = 0;
    const sink = new MqttAlertSink({
      publisher: {
        publish: () => {
          calls++;
          if (calls === 1) throw new Error('client disconnecting');
        },
      },
      clock,
      random: createRandom(1),
      backoff: noJitter,
    });
    await sink.open({ clock });
    expect(() => sink.write(event('a'))).not.toThrow();
    const flushed = sink.flush();
    await settle();
    clock.advance(100);
    expect(await isDone(flushed)).toBe(true);
    expect(calls).toBe(2);
  });

  it('close waits for the PUBACKs, gives up after closeTimeoutMs, and refuses writes after', async () => {
    const broker = new FakeBroker();
    const clock = new ManualClock(0);
    const sink = sinkOn(broker, clock);
    await sink.open({ clock });
    sink.write(event('a'));
    sink.write(event('b'));
    const closed = sink.close();
    broker.calls[0]!.ack();
    await settle();
    expect(await isDone(closed)).toBe(false);
    clock.advance(5_000);
    await expect(closed).rejects.toThrow(
      /gave up 1 alerts: the broker did not acknowledge them within 5000 ms/,
    );
    expect(sink.stats()).toMatchObject({ published: 1, dropped: 1 });
    expect(() => sink.write(event('c'))).toThrow(/write\(\) after close\(\)/);

    const quick = sinkOn(new FakeBroker(), clock);
    await quick.open({ clock });
    await quick.close(); // nothing pending
  });
});
