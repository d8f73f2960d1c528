import { describe, expect, it } from 'vitest';
import { MqttConnectionHealth } from '../../../../services/connectors/mqtt/connection-health.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';

describe('MqttConnectionHealth', () => {
  it('is down without a downSince until the first connection', () => {
    const health = new MqttConnectionHealth(new ManualClock(1_000));
    health.attempt();
    health.error('connect ECONNREFUSED 127.0.0.1:1883');
    health.lost();
    expect(health.status()).toEqual({
      connected: false,
      lastError: 'connect ECONNREFUSED 127.0.0.1:1883',
      reconnects: 0,
      attempts: 1,
    });
  });

  it('reports an outage from the moment the connection was lost, with the last error, until it is back', () => {
    const clock = new ManualClock(1_000);
    const health = new MqttConnectionHealth(clock);
    health.connected();
    expect(health.status()).toEqual({ connected: true, reconnects: 0, attempts: 0 });

    clock.advance(4_000);
    health.lost();
    expect(health.status()).toEqual({
      connected: false,
      downSince: 5_000,
      lastError: 'the connection to the broker closed',
      reconnects: 0,
      attempts: 0,
    });

    clock.advance(500);
    health.attempt();
    health.error('connect ECONNREFUSED 127.0.0.1:1883');
    health.lost(); // the failed attempt closes too: the outage still dates from 5000
    clock.advance(1_000);
    health.attempt();
    expect(health.status()).toEqual({
      connected: false,
      downSince: 5_000,
      lastError: 'connect ECONNREFUSED 127.0.0.1:1883',
      reconnects: 0,
      attempts: 2,
    });

    health.connected();
    expect(health.status()).toEqual({
      connected: true,
      lastError: 'connect ECONNREFUSED 127.0.0.1:1883',
      reconnects: 1,
      attempts: 0,
    });
  });

  it('keeps the reason the broker gave for closing rather than a generic one', () => {
    const health = new MqttConnectionHealth(new ManualClock(0));
    health.connected();
    health.error('the broker sent DISCONNECT (reason code 139: server shutting down)');
    health.lost();
    expect(health.status().lastError).toBe(
      'the broker sent DISCONNECT (reason code 139: server shutting down)',
    );
    health.connected();
    health.lost();
    expect(health.status().lastError).toBe('the connection to the broker closed');
    expect(health.status().reconnects).toBe(1);
  });
});
