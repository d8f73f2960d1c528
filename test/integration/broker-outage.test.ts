import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { HealthReport } from '../../services/api/health-report.ts';
import { MqttAlertSink } from '../../services/connectors/mqtt/alert-sink.ts';
import type { AnomalyEvent } from '../../services/domain/anomaly.ts';
import { systemClock } from '../../services/engine/time/clock.ts';
import { MqttPublisher } from '../../simulators/mqtt-publisher.ts';
import { uniqueDatabase } from '../support/influx-query.ts';
import { expectedWindows, knownStream, type SentReading } from '../support/known-stream.ts';
import { type MosquittoProcess, startMosquitto } from '../support/mosquitto-process.ts';
import { startTestEddy, type TestEddy } from '../support/test-eddy.ts';
import { waitFor } from '../support/wait-for.ts';
import { expectWindowAggregates } from '../support/window-agg-check.ts';

/**
 * "A broker outage loses nothing and duplicates nothing", as a user would see it fail: Eddy (in
 * process, checkpoints every 300 ms, so MQTT acknowledgements are held until a checkpoint
 * completes) reads a known QoS 1 stream from its own Mosquitto with persistence. Mosquitto is
 * stopped (SIGTERM: it saves its sessions) right after a burst, while Eddy still holds
 * unacknowledged messages and the broker still queues others for it; the fleet (the simulator's
 * `MqttPublisher`) keeps publishing during the outage; Mosquitto starts again on the same port and
 * persistence file; the rest of the stream follows. `/api/health` shows the outage (degraded, since
 * when, the last error) and the recovery, and InfluxDB ends holding exactly the windows of a run
 * without the outage. The alert sink (through the same `MqttPublisher`) loses no alert either.
 */

const DEVICES = Array.from({ length: 4 }, (_, i) => `outage-${i}`);
const SECONDS = 90; // of event time: 9 windows of 10 s per device and metric
const SEED = 777;

/** The value of the one sample of `family` in a Prometheus text exposition. */
function metricValue(exposition: string, family: string): number {
  const line = exposition.split('\n').find((l) => l.startsWith(`${family}{`));
  if (line === undefined) throw new Error(`no ${family} sample in /metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('broker outage: Mosquitto restarted mid-stream, InfluxDB ends as without the outage', () => {
  const influxUrl = inject('influxUrl');
  const database = uniqueDatabase('broker_outage');
  let dir: string;
  let broker: MosquittoProcess;
  let testEddy: TestEddy | undefined;
  let fleet: MqttPublisher | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-broker-outage-'));
    broker = await startMosquitto({ dir, persistence: true, maxQueuedMessages: 0 });
  });

  afterAll(async () => {
    await fleet?.close().catch(() => {});
    await testEddy?.stop();
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reconnects, reports the outage on /api/health and writes every window exactly once', async () => {
    testEddy = await startTestEddy(database, {
      mqttUrl: broker.url,
      checkpointIntervalMs: 300,
      // Much shorter than the outage: event time must not move on while the broker is away.
      quietPeriodMs: 1_000,
    });
    const { eddy } = testEddy;
    const health = async (): Promise<HealthReport> =>
      (await (await fetch(`${eddy.apiUrl}/api/health`)).json()) as HealthReport;
    expect((await health()).broker).toMatchObject({ mode: 'external', connected: true, reconnects: 0 });

    const sent = knownStream(DEVICES, SECONDS, SEED);
    const [burst, duringOutage, rest] = [sent.slice(0, 160), sent.slice(160, 200), sent.slice(200)];
    fleet = await MqttPublisher.connect({ url: broker.url, clientId: 'outage-fleet' });
    const publish = (readings: readonly SentReading[]) =>
      Promise.all(
        readings.map((r) =>
          fleet!.publish(
            `sensors/${r.device}/telemetry`,
            JSON.stringify({ ts: r.ts, temperature: r.temperature, humidity: r.humidity }),
            { qos: 1 },
          ),
        ),
      );

    // A burst, every message acknowledged by the broker, then the broker goes down at once: Eddy
    // is still taking it in and holds the PUBACKs of whatever its last checkpoint does not cover.
    await publish(burst);
    const stoppedAt = Date.now();
    await broker.stop();

    await waitFor(async () => !(await health()).broker.connected, {
      timeoutMs: 10_000,
      message: '/api/health to report the broker disconnected',
    });
    const down = await health();
    expect(down.status).toBe('degraded');
    expect(down.broker.connected).toBe(false);
    expect(down.broker.downSince).toBeGreaterThanOrEqual(stoppedAt - 1_000);
    expect(down.broker.downSince).toBeLessThanOrEqual(Date.now());
    expect(down.broker.lastError).toEqual(expect.any(String));
    // The broker stays away three quiet periods: the outage is the fault under test, not a wait.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await health()).broker.connected).toBe(false);

    // The fleet keeps publishing while the broker is away: its client queues, then sends on reconnection.
    const outagePublished = publish(duringOutage);
    await broker.start();
    await outagePublished;
    await waitFor(async () => (await health()).broker.connected, {
      timeoutMs: 30_000,
      message: '/api/health to report the broker connected again',
    });
    const up = await health();
    expect(up.broker.connected).toBe(true);
    expect(up.broker.downSince).toBeUndefined();
    expect(up.broker.reconnects).toBe(1);
    expect(up.job.state).toBe('running');

    await publish(rest);
    await expectWindowAggregates(influxUrl, database, '^outage-', expectedWindows(sent), 60_000);
    expect((await health()).broker.reconnects).toBe(1);
    // The broker resent what Eddy had not acknowledged at the stop (every message of the burst in
    // a typical run: `eddy_source_redeliveries_dropped_total` 160); each redelivery was recognised
    // and dropped, so the job took every message exactly once.
    const metrics = await (await fetch(`${eddy.apiUrl}/metrics`)).text();
    expect(metricValue(metrics, 'eddy_source_messages_total')).toBe(sent.length);
    expect(metricValue(metrics, 'eddy_source_reconnects_total')).toBe(1);
  }, 120_000);

  it('publishes every alert written before, during and after the outage', async () => {
    const observer = await connectAsync(broker.url, {
      clientId: 'outage-alert-observer',
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 600 },
      reconnectPeriod: 200,
    });
    const seen = new Set<number>();
    observer.on('message', (topic, payload) => {
      if (topic.startsWith('alerts/outage-')) seen.add((JSON.parse(payload.toString()) as AnomalyEvent).ts);
    });
    await observer.subscribeAsync('alerts/+', { qos: 1 });
    const publisher = await MqttPublisher.connect({ url: broker.url, clientId: 'outage-alerts' });
    const sink = new MqttAlertSink({ publisher, backoff: { baseMs: 50, maxMs: 500, jitter: 0.5 } });
    await sink.open({ clock: systemClock });
    const events = Array.from({ length: 30 }, (_, i) => alert(`outage-${i % 3}`, i));
    try {
      for (const e of events.slice(0, 10)) sink.write(e);
      await sink.flush();
      await broker.stop();
      for (const e of events.slice(10, 20)) sink.write(e);
      const flushed = sink.flush();
      await broker.start();
      await flushed;
      for (const e of events.slice(20)) sink.write(e);
      await sink.flush();
      await waitFor(() => seen.size === events.length, {
        timeoutMs: 20_000,
        message: `${events.length} distinct alerts at the observer`,
      });
      expect([...seen].sort((a, b) => a - b)).toEqual(events.map((e) => e.ts));
      expect(sink.stats()).toMatchObject({ published: 30, inFlight: 0, queued: 0, dropped: 0 });
    } finally {
      await sink.close();
      await publisher.close();
      await observer.endAsync();
    }
  }, 60_000);
});

function alert(device: string, i: number): AnomalyEvent {
  return {
    device,
    metric: 'temperature',
    metrics: ['temperature'],
    ts: 1_700_000_000_000 + i * 1_000,
    score: 0.9,
    detector: 'anomalies',
    value: 40 + i,
    expected: 21.4,
    lower: 19.9,
    upper: 22.9,
    reason: `value ${40 + i} is far above 21.4`,
  };
}
