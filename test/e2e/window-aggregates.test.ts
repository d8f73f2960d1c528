import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningEddy } from '../../services/server/eddy-server.ts';
import { influxCli } from '../support/influx-cli.ts';
import { queryInflux, uniqueDatabase } from '../support/influx-query.ts';
import { startTestEddy, type TestEddy } from '../support/test-eddy.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * The Foundation's promise, end to end through real services: a plain MQTT client publishes known
 * readings (some out of order within the 2 s bound, one malformed payload in the middle) to a real
 * Mosquitto; Eddy windows them; InfluxDB holds exactly the expected count/mean/min/max for every
 * device, metric and 10 s window, stamped with the window start.
 */

const T0 = 1_700_000_000_000; // a multiple of 10 s: windows start at T0, T0 + 10 s, T0 + 20 s
const DEVICES = ['boiler-1', 'boiler-2', 'fridge.3'];
const SECONDS = 30;

interface Sent {
  device: string;
  ts: number;
  temperature: number;
  humidity: number;
}

/** One reading per device per second, values known in advance; each odd second is swapped with the next (1 s out of order). */
function readings(): Sent[] {
  const inOrder: Sent[] = [];
  for (let s = 0; s < SECONDS; s++) {
    for (const [d, device] of DEVICES.entries()) {
      inOrder.push({
        device,
        ts: T0 + s * 1_000 + d,
        temperature: 20 + d + ((s * 7) % 11) / 2,
        humidity: 40 + ((s * 13 + d) % 17),
      });
    }
  }
  const sent = [...inOrder];
  for (let i = DEVICES.length; i + DEVICES.length < sent.length; i += 2 * DEVICES.length) {
    const block = sent.splice(i, DEVICES.length);
    sent.splice(i + DEVICES.length, 0, ...block);
  }
  return sent;
}

function expected(sent: Sent[]) {
  const groups = new Map<string, number[]>();
  for (const r of sent) {
    for (const metric of ['temperature', 'humidity'] as const) {
      const start = r.ts - ((r.ts - T0) % 10_000);
      const key = `${r.device}|${metric}|${start}`;
      groups.set(key, [...(groups.get(key) ?? []), r[metric]]);
    }
  }
  return [...groups.entries()]
    .map(([key, values]) => {
      const [device, metric, start] = key.split('|');
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return {
        device,
        metric,
        time: Number(start),
        count: values.length,
        mean,
        min: Math.min(...values),
        max: Math.max(...values),
      };
    })
    .sort(byKey);
}

const byKey = (a: { device?: unknown; metric?: unknown; time?: unknown }, b: typeof a) =>
  `${a.device}|${a.metric}|${a.time}`.localeCompare(`${b.device}|${b.metric}|${b.time}`);

describe('end to end: MQTT (Mosquitto) → Eddy → InfluxDB', () => {
  const influxUrl = inject('influxUrl');
  const mqttUrl = inject('mqttUrl');
  const database = uniqueDatabase('e2e_window_agg');
  let test: TestEddy;
  let eddy: RunningEddy;

  beforeAll(async () => {
    test = await startTestEddy(database, { mqttUrl, quietPeriodMs: 1_000 });
    eddy = test.eddy;
  });

  afterAll(async () => {
    await test?.stop();
  });

  it('writes exactly the expected aggregates, and a malformed payload only reaches dead letters', async () => {
    const client = await mqtt.connectAsync(mqttUrl, { clientId: 'e2e-device-gateway' });
    const deadLetters: { topic: string; code: string; reason: string }[] = [];
    await client.subscribeAsync('eddy/dead-letters', { qos: 1 });
    client.on('message', (topic, payload) => {
      if (topic === 'eddy/dead-letters') deadLetters.push(JSON.parse(payload.toString()));
    });

    const sent = readings();
    for (const [i, r] of sent.entries()) {
      if (i === Math.floor(sent.length / 2)) {
        await client.publishAsync('sensors/boiler-2/telemetry', '{"ts": 1700000015000, "temperature": 99', {
          qos: 1,
        });
      }
      const payload = JSON.stringify({ ts: r.ts, temperature: r.temperature, humidity: r.humidity });
      await client.publishAsync(`sensors/${r.device}/telemetry`, payload, { qos: 1 });
    }

    const want = expected(sent);
    expect(want).toHaveLength(DEVICES.length * 2 * 3);
    await waitFor(
      async () =>
        (await queryInflux(influxUrl, database, 'SELECT count(*) FROM window_agg').catch(() => []))[0]
          ?.count_count === want.length,
      { timeoutMs: 30_000, message: `InfluxDB never held ${want.length} window_agg points` },
    );
    const rows = await queryInflux(
      influxUrl,
      database,
      'SELECT "count", "mean", "min", "max" FROM window_agg GROUP BY "device", "metric", "window"',
    );
    const got = rows
      .map((row) => ({
        device: row.device,
        metric: row.metric,
        window: row.window,
        time: row.time,
        count: row.count,
        mean: row.mean,
        min: row.min,
        max: row.max,
      }))
      .sort(byKey);
    expect(got).toHaveLength(want.length);
    got.forEach((row, i) => {
      const w = want[i]!;
      expect(row).toMatchObject({
        device: w.device,
        metric: w.metric,
        window: '10s',
        time: w.time,
        count: w.count,
      });
      expect(row.mean).toBeCloseTo(w.mean, 9);
      expect(row.min).toBe(w.min);
      expect(row.max).toBe(w.max);
    });

    // The same, as a user sees it through InfluxDB's own CLI.
    const cli = await influxCli(
      influxUrl,
      database,
      `SELECT "count", "mean" FROM window_agg WHERE "device" = 'fridge.3' AND "metric" = 'humidity'`,
    );
    expect(cli.map((r) => [r.time, r.count])).toEqual(
      want.filter((w) => w.device === 'fridge.3' && w.metric === 'humidity').map((w) => [w.time, w.count]),
    );

    await waitFor(() => deadLetters.length === 1, { timeoutMs: 5_000, message: 'no dead letter arrived' });
    expect(deadLetters[0]).toMatchObject({ topic: 'sensors/boiler-2/telemetry', code: 'invalid_json' });
    expect(deadLetters[0]!.reason).toMatch(/JSON/i);
    expect(eddy.health().job).toMatchObject({
      state: 'running',
      lateRecords: 0,
      deadLetters: 1,
      recordsIn: sent.length * 2,
    });
    await client.endAsync();
  });
});
