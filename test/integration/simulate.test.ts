import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { simulateCommand } from '../../services/cli/commands/simulate.ts';
import { generateFleet } from '../../simulators/fleet.ts';
import type { FleetOptions } from '../../simulators/fleet-options.ts';
import { FleetRunner } from '../../simulators/fleet-runner.ts';
import { MqttPublisher } from '../../simulators/mqtt-publisher.ts';

/** Subscribes to all telemetry and resolves once `count` messages arrived (or rejects on timeout). */
class TelemetryCollector {
  readonly received: string[] = [];
  private waiter: { count: number; resolve: () => void } | undefined;

  constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload) => {
      this.received.push(`${topic} ${payload.toString()}`);
      if (this.waiter && this.received.length >= this.waiter.count) this.waiter.resolve();
    });
  }

  static async open(url: string): Promise<TelemetryCollector> {
    const client = await connectAsync(url, { reconnectPeriod: 0 });
    const collector = new TelemetryCollector(client);
    await client.subscribeAsync('sensors/+/telemetry', { qos: 1 });
    return collector;
  }

  reset(): void {
    this.received.length = 0;
  }

  until(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`received ${this.received.length} of ${count} messages within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        },
      };
    });
  }
}

const sorted = (items: readonly string[]) => [...items].sort();

describe('simulate through a real mosquitto', () => {
  const url = inject('mqttUrl');
  let collector: TelemetryCollector;

  beforeAll(async () => {
    collector = await TelemetryCollector.open(url);
  });
  afterAll(async () => {
    await collector?.client.endAsync();
  });

  it('delivers every message of a real-time run, faults included', async () => {
    collector.reset();
    const options: FleetOptions = {
      seed: 5,
      devices: 4,
      startTime: Date.UTC(2024, 0, 1),
      ratePerSecond: 20,
      durationMs: 1_500,
      anomalies: { ratePerHour: 3_600 },
      faults: { outOfOrder: 0.2, duplicates: 0.1, malformed: 0.1 },
    };
    const expected = generateFleet(options).messages.map((m) => `${m.topic} ${m.payload}`);
    const publisher = await MqttPublisher.connect({ url });
    try {
      const stats = await new FleetRunner({ fleet: options, publisher, qos: 1 }).run();
      expect(stats.state).toBe('done');
      expect(stats.messages).toBe(expected.length);
      expect(stats.elapsedMs).toBeGreaterThanOrEqual(1_400);
    } finally {
      await publisher.close();
    }
    await collector.until(expected.length);
    expect(sorted(collector.received)).toEqual(sorted(expected));
  });

  it('runs `eddy simulate --fast` end to end', async () => {
    collector.reset();
    const out: string[] = [];
    const command = simulateCommand({
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: () => {} },
    });
    await command.parseAsync(
      [
        '--mqtt',
        url,
        '--fast',
        '--devices',
        '6',
        '--duration',
        '120',
        '--batch',
        '3',
        '--qos',
        '1',
        '--seed',
        '8',
      ].concat(['--start', '2024-03-01T00:00:00Z', '--duplicates', '0.05', '--anomaly-rate', '30']),
      { from: 'user' },
    );
    const expected = generateFleet({
      seed: 8,
      devices: 6,
      startTime: Date.UTC(2024, 2, 1),
      durationMs: 120_000,
      batchSize: 3,
      anomalies: { ratePerHour: 30 },
      faults: { duplicates: 0.05 },
    }).messages.map((m) => `${m.topic} ${m.payload}`);
    await collector.until(expected.length);
    expect(sorted(collector.received)).toEqual(sorted(expected));
    expect(out.join('')).toContain(`(done): ${expected.length} messages`);
  });

  it('says clearly when the broker is not there', async () => {
    const port = Number(new URL(url).port);
    await expect(
      MqttPublisher.connect({ url: `mqtt://127.0.0.1:${port === 1 ? 2 : 1}` }),
    ).rejects.toMatchObject({
      code: 'EDDY_MQTT_UNREACHABLE',
      message: expect.stringMatching(/cannot connect to the MQTT broker .*ECONNREFUSED/),
    });
  });
});
