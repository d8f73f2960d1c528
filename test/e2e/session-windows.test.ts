import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseJobFile } from '../../services/config/parse-job-file.ts';
import type { RunningEddy } from '../../services/server/eddy-server.ts';
import { queryInflux, uniqueDatabase } from '../support/influx-query.ts';
import { startTestEddy, type TestEddy } from '../support/test-eddy.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Session windows and late data, end to end through real Mosquitto and InfluxDB. A job file asks for
 * 5 s session windows with 3 s of allowed lateness and late readings written to InfluxDB. A plain MQTT
 * client publishes bursts for two devices; a third device (`clock-0`) only moves event time. One
 * reading comes late but within the lateness: its session fires again, merged, and its point in
 * InfluxDB is overwritten (same start), not duplicated. Another comes after the session was cleaned
 * up: it lands in `late_readings` and changes nothing else.
 */

const T0 = 1_700_000_000_000;
const S = 1_000;

const JOB = `
name: sessions
time:
  maxOutOfOrderness: 1s
  quietPeriod: 1s
windows:
  - type: session
    gap: 5s
    allowedLateness: 3s
    aggregates: [count, min, max]
    late: influx
sinks:
  influx:
    measurement: session_agg
  live: true
`;

/** [device, seconds after T0, value], in publish order; the comments give the watermark (s) after each. */
const PUBLISHED: [string, number, number][] = [
  ['dev-a', 0, 10],
  ['dev-b', 2, 20],
  ['dev-a', 1, 11],
  ['dev-b', 3, 21],
  ['dev-a', 2, 12],
  ['dev-b', 4, 22],
  ['dev-a', 3, 13],
  ['dev-b', 5, 23],
  ['dev-a', 4, 14], // dev-a session [0, 9) so far
  ['dev-b', 6, 24],
  ['dev-b', 7, 25],
  ['dev-b', 8, 26], // dev-b session [2, 13)
  ['clock-0', 10.5, 0], // watermark 9.499: dev-a [0, 9) fires (count 5)
  ['dev-a', 6, 16], // late, within 3 s of lateness: merges into [0, 11), fires again (count 6)
  ['clock-0', 14.5, 0], // watermark 13.499: dev-b [2, 13) fires; dev-a [0, 11) lives until 13.999
  ['clock-0', 16, 0], // watermark 14.999: dev-a [0, 11) cleaned up (10.999 + 3 s)
  ['dev-a', 5, 99], // too late: its session is gone → late_readings
  ['dev-a', 20, 30],
  ['dev-a', 21, 31],
  ['dev-a', 22, 32], // dev-a session [20, 27), closed by the quiet period
];

describe('end to end: session windows and late data through Mosquitto and InfluxDB', () => {
  const influxUrl = inject('influxUrl');
  const mqttUrl = inject('mqttUrl');
  const database = uniqueDatabase('e2e_sessions');
  let test: TestEddy;
  let eddy: RunningEddy;

  beforeAll(async () => {
    test = await startTestEddy(database, { mqttUrl, job: parseJobFile(JOB, 'sessions.yaml') });
    eddy = test.eddy;
  });

  afterAll(async () => {
    await test?.stop();
  });

  it('writes each session once, re-fired with the late reading, and the too-late reading to late_readings', async () => {
    const client = await mqtt.connectAsync(mqttUrl, { clientId: 'e2e-sessions-gateway' });
    for (const [device, seconds, value] of PUBLISHED) {
      await client.publishAsync(
        `sensors/${device}/telemetry`,
        JSON.stringify({ ts: T0 + seconds * S, v: value }),
        {
          qos: 1,
        },
      );
    }
    await client.endAsync();

    const sessions = async () =>
      queryInflux(
        influxUrl,
        database,
        `SELECT "count", "min", "max" FROM session_agg WHERE "device" =~ /^dev-/ GROUP BY "device", "window"`,
      ).catch(() => []);
    await waitFor(async () => (await sessions()).length === 3, {
      timeoutMs: 30_000,
      message: 'three dev-* sessions in InfluxDB',
    });
    const rows = (await sessions())
      .map((r) => ({
        device: r.device,
        window: r.window,
        time: r.time,
        count: r.count,
        min: r.min,
        max: r.max,
      }))
      .sort((a, b) => `${a.device}${a.time}`.localeCompare(`${b.device}${b.time}`));
    expect(rows).toEqual([
      { device: 'dev-a', window: '5s-session', time: T0, count: 6, min: 10, max: 16 },
      { device: 'dev-a', window: '5s-session', time: T0 + 20 * S, count: 3, min: 30, max: 32 },
      { device: 'dev-b', window: '5s-session', time: T0 + 2 * S, count: 7, min: 20, max: 26 },
    ]);

    await waitFor(
      async () =>
        (await queryInflux(influxUrl, database, 'SELECT * FROM late_readings').catch(() => [])).length === 1,
      { timeoutMs: 10_000, message: 'one late reading in InfluxDB' },
    );
    const late = await queryInflux(influxUrl, database, 'SELECT * FROM late_readings');
    expect(late).toEqual([
      expect.objectContaining({
        device: 'dev-a',
        metric: 'v',
        window: '5s-session',
        time: T0 + 5 * S,
        value: 99,
      }),
    ]);
    expect(eddy.health().job.lateRecords).toBe(1);

    // The first session of dev-a fired twice: once on time, once with the late reading merged in.
    const firings = eddy.liveFeed
      .recent({ type: 'aggregate' })
      .map((e) => e.data as { device: string; start: number; count: number })
      .filter((a) => a.device === 'dev-a' && a.start === T0)
      .map((a) => a.count);
    expect(firings).toEqual([5, 6]);
  });
});
