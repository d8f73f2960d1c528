import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../../services/common/random.ts';
import { MqttConnectionHealth } from '../../../../services/connectors/mqtt/connection-health.ts';
import { ReconnectBackoff } from '../../../../services/connectors/mqtt/reconnect-backoff.ts';
import {
  type SupervisedClient,
  superviseReconnects,
} from '../../../../services/connectors/mqtt/supervise-reconnects.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';

/**
 * A stand-in for mqtt.js's client that reconnects the way mqtt.js does: when a connection or an
 * attempt closes, it waits `options.reconnectPeriod` (read then), emits `reconnect` and tries again.
 * `brokerUp` decides whether the attempt gets a CONNACK.
 */
class FakeClient extends EventEmitter {
  readonly options: { reconnectPeriod?: number };
  brokerUp = true;
  /** ManualClock times at which attempts started. */
  readonly attemptsAt: number[] = [];

  constructor(
    private readonly clock: ManualClock,
    reconnectPeriod: number,
  ) {
    super();
    this.options = { reconnectPeriod };
    this.on('close', () => {
      const period = this.options.reconnectPeriod ?? 0;
      if (period > 0) this.clock.setTimeout(() => this.attempt(), period);
    });
  }

  attempt(): void {
    this.attemptsAt.push(this.clock.now());
    this.emit('reconnect');
    if (this.brokerUp) this.emit('connect', { sessionPresent: true });
    else {
      this.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:1883'));
      this.emit('close');
    }
  }
}

describe('superviseReconnects', () => {
  it('retries with a growing, capped wait while the broker is down and reports the outage until it is back', () => {
    const clock = new ManualClock(10_000);
    const backoff = new ReconnectBackoff({ baseMs: 100, maxMs: 800, jitter: 0 }, createRandom(1));
    const client = new FakeClient(clock, backoff.firstDelay());
    const health = new MqttConnectionHealth(clock);
    superviseReconnects(client as unknown as SupervisedClient, health, backoff);

    client.emit('connect', { sessionPresent: false });
    client.brokerUp = false;
    client.emit('disconnect', { cmd: 'disconnect', reasonCode: 0x8b });
    client.emit('close');
    expect(health.status()).toMatchObject({
      connected: false,
      downSince: 10_000,
      lastError: 'the broker sent DISCONNECT (reason code 139: server shutting down)',
    });

    clock.advance(2_500);
    // Waits of 100, 200, 400, 800, 800, … after the loss at 10,000.
    expect(client.attemptsAt).toEqual([10_100, 10_300, 10_700, 11_500, 12_300]);
    expect(health.status()).toEqual({
      connected: false,
      downSince: 10_000,
      lastError: 'connect ECONNREFUSED 127.0.0.1:1883',
      reconnects: 0,
      attempts: 5,
    });

    client.brokerUp = true;
    clock.advance(800);
    expect(client.attemptsAt.at(-1)).toBe(13_100);
    expect(health.status()).toMatchObject({ connected: true, reconnects: 1, attempts: 0 });
    expect(health.status().downSince).toBeUndefined();

    // The next outage (at 13,300) starts from the base wait again.
    client.brokerUp = false;
    client.emit('close');
    clock.advance(300);
    expect(client.attemptsAt.slice(-2)).toEqual([13_400, 13_600]);
  });

  it('keeps a fixed reconnectPeriod when given no backoff, and leaves 0 (no reconnection) alone', () => {
    const clock = new ManualClock(0);
    const fixed = new FakeClient(clock, 250);
    superviseReconnects(fixed as unknown as SupervisedClient, new MqttConnectionHealth(clock));
    fixed.emit('connect', {});
    fixed.brokerUp = false;
    fixed.emit('close');
    clock.advance(1_000);
    expect(fixed.attemptsAt).toEqual([250, 500, 750, 1_000]);

    const never = new FakeClient(clock, 0);
    const health = new MqttConnectionHealth(clock);
    const backoff = new ReconnectBackoff({ baseMs: 100, maxMs: 800, jitter: 0 }, createRandom(1));
    superviseReconnects(never as unknown as SupervisedClient, health, backoff);
    never.emit('connect', {});
    never.emit('close');
    clock.advance(10_000);
    expect(never.attemptsAt).toEqual([]);
    expect(never.options.reconnectPeriod).toBe(0);
    expect(health.status()).toMatchObject({ connected: false, downSince: 1_000 });
  });

  it('tells onOutage when a connection that was up is lost and when it is back, not at each failed attempt', () => {
    const clock = new ManualClock(0);
    const backoff = new ReconnectBackoff({ baseMs: 100, maxMs: 800, jitter: 0 }, createRandom(1));
    const client = new FakeClient(clock, backoff.firstDelay());
    const outages: boolean[] = [];
    superviseReconnects(
      client as unknown as SupervisedClient,
      new MqttConnectionHealth(clock),
      backoff,
      (down) => outages.push(down),
    );
    client.emit('connect', {});
    expect(outages).toEqual([]);
    client.brokerUp = false;
    client.emit('close');
    clock.advance(1_000); // three failed attempts
    expect(client.attemptsAt).toHaveLength(3);
    expect(outages).toEqual([true]);
    client.brokerUp = true;
    clock.advance(800);
    expect(outages).toEqual([true, false]);
  });
});
