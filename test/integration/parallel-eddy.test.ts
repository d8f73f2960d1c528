import mqtt from 'mqtt';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parsePrometheusText, sampleValue } from '../services/api/metrics/prometheus-text.ts';
import { type InfluxRow, queryInflux, uniqueDatabase } from '../support/influx-query.ts';
import { startTestEddy, type TestEddy } from '../support/test-eddy.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * `eddy start --parallelism 2`, in process, against the real test Mosquitto and InfluxDB: the
 * default job's windows run in two worker threads (the MQTT source and the InfluxDB sink stay in
 * the main thread), and InfluxDB ends up with exactly the windows parallelism 1 writes.
 */

const T0 = 1_700_000_000_000; // a multiple of 10 s
const DEVICES = Array.from({ length: 8 }, (_, i) => `pump-${i}`); // spread over both subtasks' key groups
const SECONDS = 35;

/** One message per device per second (temperature and pressure); every third second comes 1 s late. */
function payloads(): { topic: string; payload: string }[] {
  const messages: { topic: string; payload: string; order: number }[] = [];
  for (let s = 0; s < SECONDS; s++) {
    for (const [d, device] of DEVICES.entries()) {
      const payload = JSON.stringify({
        ts: T0 + s * 1_000 + 10 * d,
        temperature: 20 + d + ((s * 7 + d) % 13) / 4,
        pressure: 1_000 + ((s * 11 + 3 * d) % 29),
      });
      messages.push({ topic: `sensors/${device}/telemetry`, payload, order: s % 3 === 1 ? s + 1.5 : s });
    }
  }
  return messages.sort((a, b) => a.order - b.order);
}

/** Window starts per series: seconds 0..34 make windows [0,10) … [30,40). */
const WINDOWS = DEVICES.length * 2 * Math.ceil(SECONDS / 10);

async function windowsWritten(parallelism: number): Promise<{ rows: InfluxRow[]; test: TestEddy }> {
  const database = uniqueDatabase(`parallel_p${parallelism}`);
  const test = await startTestEddy(database, {
    mqttUrl: inject('mqttUrl'),
    quietPeriodMs: 1_000,
    parallelism,
  });
  running.push(test);
  const client = await mqtt.connectAsync(inject('mqttUrl'), { clientId: `parallel-gateway-${parallelism}` });
  try {
    for (const { topic, payload } of payloads()) await client.publishAsync(topic, payload, { qos: 1 });
  } finally {
    await client.endAsync();
  }
  const influxUrl = inject('influxUrl');
  await waitFor(
    async () =>
      (await queryInflux(influxUrl, database, 'SELECT count(*) FROM window_agg').catch(() => []))[0]
        ?.count_count === WINDOWS,
    { timeoutMs: 30_000, message: `${WINDOWS} window_agg points at parallelism ${parallelism}` },
  );
  const rows = await queryInflux(
    influxUrl,
    database,
    'SELECT "count", "mean", "min", "max", "stddev" FROM window_agg GROUP BY "device", "metric", "window"',
  );
  const key = (r: InfluxRow) => `${r.device}|${r.metric}|${r.time}`;
  return { rows: rows.sort((a, b) => key(a).localeCompare(key(b))), test };
}

const running: TestEddy[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((test) => test.stop()));
});

describe('eddy start --parallelism 2 (real Mosquitto and InfluxDB)', () => {
  it('writes the same windows to InfluxDB as parallelism 1, and /metrics shows the subtasks', async () => {
    const one = await windowsWritten(1);
    await one.test.stop();
    running.splice(running.indexOf(one.test), 1);

    const two = await windowsWritten(2);
    expect(one.rows).toHaveLength(WINDOWS);
    expect(two.rows).toEqual(one.rows); // same windows, same aggregates, bit for bit

    const eddy = two.test.eddy;
    const metrics = await eddy.job.refreshMetrics();
    expect(metrics.parallelism).toBe(2);
    expect(metrics.subtasks?.map((s) => s.subtask)).toEqual([0, 1]);
    const window = metrics.operators.find((o) => o.name === 'window(10s)')!;
    expect(window.recordsIn).toBe(DEVICES.length * 2 * SECONDS); // summed over both subtasks
    // Both subtasks took part: the key-by channels from the main thread carried readings to each.
    const keyBy = (metrics.channels ?? []).filter((c) => c.exchange === 'key-by');
    expect(keyBy.map((c) => [c.from, c.to])).toEqual([
      ['main', 0],
      ['main', 1],
    ]);
    expect(keyBy.every((c) => c.recordsSent > 0)).toBe(true);
    expect(eddy.health().job).toMatchObject({ recordsIn: DEVICES.length * 2 * SECONDS, lateRecords: 0 });

    const families = parsePrometheusText(await (await fetch(`${eddy.apiUrl}/metrics`)).text());
    const job = metrics.name;
    expect(sampleValue(families, 'eddy_job_parallelism', { job })).toBe(2);
    expect(sampleValue(families, 'eddy_operator_records_in_total', { job, operator: 'window(10s)' })).toBe(
      DEVICES.length * 2 * SECONDS,
    );
    for (const to of ['0', '1']) {
      expect(
        sampleValue(families, 'eddy_channel_records_sent_total', {
          job,
          exchange: 'key-by',
          from: 'main',
          to,
        }),
      ).toBeGreaterThan(0);
    }
  }, 90_000);
});
