import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropDatabase, queryInflux, uniqueDatabase } from '../support/influx-query.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * `eddy start --job FILE` with a job that is not the default, through real Mosquitto and InfluxDB:
 * its own topic (device id on the third level), time field in epoch seconds, a field that is not a
 * metric, two windows (10 s tumbling with sum/p50/last, 20 s sliding every 10 s) to measurement
 * `plant_agg`, and a reading sent after its windows closed that lands in `late_readings`. A job file
 * with a mistake stops `eddy start` before anything starts, with the line and column of the mistake.
 */

const repo = fileURLToPath(new URL('../..', import.meta.url));
const T0 = 1_700_000_000_000; // a multiple of 10 s
const DEVICES = ['press-1', 'press-2'];
const SECONDS = 30;

const JOB = `
name: plant-stats
source:
  topics:
    - plant/+/{device}/data
  timeField: time
  timeFormat: epoch_s
  metrics:
    exclude: [status]
time:
  maxOutOfOrderness: 1s
  quietPeriod: 1s
windows:
  - type: tumbling
    size: 10s
    aggregates: [count, mean, sum, p50, last]
    late: influx
  - type: sliding
    size: 20s
    slide: 10s
    aggregates: [count, max]
sinks:
  influx:
    measurement: plant_agg
  live: true
`;

interface Sent {
  readonly device: string;
  readonly ts: number;
  readonly force: number;
}

/** One reading per device per second, values known in advance. */
function readings(): Sent[] {
  const sent: Sent[] = [];
  for (let s = 0; s < SECONDS; s++) {
    for (const [d, device] of DEVICES.entries())
      sent.push({ device, ts: T0 + s * 1_000, force: 10 * d + ((s * 7) % 13) });
  }
  return sent;
}

/** What each window of the job must hold, keyed `window|device|start`. */
function expected(sent: readonly Sent[]) {
  const windows = new Map<string, number[]>();
  const add = (window: string, device: string, start: number, value: number) => {
    const key = `${window}|${device}|${start}`;
    windows.set(key, [...(windows.get(key) ?? []), value]);
  };
  for (const r of sent) {
    const start = r.ts - ((r.ts - T0) % 10_000);
    add('10s', r.device, start, r.force);
    add('20s/10s', r.device, start, r.force);
    add('20s/10s', r.device, start - 10_000, r.force);
  }
  return windows;
}

function startEddy(args: string[]) {
  const child = spawn(process.execPath, ['bin/eddy.js', 'start', ...args], {
    cwd: repo,
    env: { ...process.env, EDDY_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const line = JSON.parse(text) as { dashboard?: string };
      if (line.dashboard) resolve(line.dashboard);
    });
    void exited.then((code) =>
      reject(new Error(`eddy start exited with ${code} before it was ready: ${stderr}`)),
    );
  });
  ready.catch(() => {});
  return { child, exited, ready, stderr: () => stderr };
}

describe('eddy start --job: a job file through real Mosquitto and InfluxDB', () => {
  const influxUrl = inject('influxUrl');
  const mqttUrl = inject('mqttUrl');
  const database = uniqueDatabase('e2e_job_file');
  let dir: string;
  let eddy: ReturnType<typeof startEddy>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-job-e2e-'));
    await writeFile(join(dir, 'plant.yaml'), JOB);
    eddy = startEddy([
      '--job',
      join(dir, 'plant.yaml'),
      '--mqtt',
      mqttUrl,
      '--influx',
      `${influxUrl}/${database}`,
      '--port',
      '0',
      '--data-dir',
      dir,
    ]);
  });

  afterAll(async () => {
    if (eddy?.child.exitCode === null) eddy.child.kill('SIGKILL');
    await dropDatabase(influxUrl, database);
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the job's topics and fields, writes both windows' aggregates and the late reading", async () => {
    const api = await eddy.ready;
    const client = await mqtt.connectAsync(mqttUrl, { clientId: 'e2e-job-file-gateway' });
    const sent = readings();
    for (const r of sent) {
      const payload = JSON.stringify({ time: r.ts / 1_000, force: r.force, status: 'ok' });
      await client.publishAsync(`plant/hall-1/${r.device}/data`, payload, { qos: 1 });
    }
    // Eddy's own topic is not the job's: not even subscribed.
    await client.publishAsync('sensors/press-1/telemetry', JSON.stringify({ ts: T0, force: 1 }), { qos: 1 });
    // Event time is at T0 + 29 s: the windows holding second 3 have closed.
    await client.publishAsync(
      `plant/hall-1/press-1/data`,
      JSON.stringify({ time: (T0 + 3_000) / 1_000, force: 999 }),
      { qos: 1 },
    );
    // A reading of another device moves event time past T0 + 40 s: every window above closes now
    // rather than after the quiet period (its own windows are left out of the checks).
    await client.publishAsync(
      'plant/hall-1/clock-0/data',
      JSON.stringify({ time: (T0 + 41_000) / 1_000, force: 0 }),
      {
        qos: 1,
      },
    );
    await client.endAsync();

    const want = expected(sent);
    const count = async (measurement: string, field: string) =>
      ((
        await queryInflux(
          influxUrl,
          database,
          `SELECT count("${field}") FROM ${measurement} WHERE "device" =~ /^press-/`,
        ).catch(() => [])
      )[0]?.count as number | undefined) ?? 0;
    await waitFor(
      async () =>
        (await count('plant_agg', 'count')) === want.size && (await count('late_readings', 'value')) === 1,
      {
        timeoutMs: 30_000,
        message: `${want.size} plant_agg points and 1 late_readings point in InfluxDB`,
      },
    );

    const rows = await queryInflux(
      influxUrl,
      database,
      `SELECT * FROM plant_agg WHERE "device" =~ /^press-/ GROUP BY "device", "metric", "window"`,
    );
    expect(rows).toHaveLength(want.size);
    for (const row of rows) {
      const values = want.get(`${row.window}|${row.device}|${row.time}`);
      expect(values, `unexpected window ${row.window} ${row.device} ${row.time}`).toBeDefined();
      expect(row.metric).toBe('force');
      expect(row.count).toBe(values!.length);
      if (row.window === '10s') {
        expect(row.sum).toBe(values!.reduce((a, b) => a + b, 0));
        expect(row.mean).toBeCloseTo((row.sum as number) / values!.length, 9);
        expect(row.last).toBe(values!.at(-1));
        expect(row.p50).toBeGreaterThanOrEqual(Math.min(...values!));
        expect(row.p50).toBeLessThanOrEqual(Math.max(...values!));
        expect(row.max).toBeNull();
      } else {
        expect(row.max).toBe(Math.max(...values!));
        expect(row.sum).toBeNull();
        expect(row.mean).toBeNull();
      }
    }

    const late = await queryInflux(
      influxUrl,
      database,
      'SELECT * FROM late_readings GROUP BY "device", "metric", "window"',
    );
    expect(late).toEqual([
      { device: 'press-1', metric: 'force', window: '10s', time: T0 + 3_000, value: 999 },
    ]);

    const health = (await (await fetch(`${api}/api/health`)).json()) as { job: Record<string, unknown> };
    expect(health.job).toMatchObject({
      name: 'plant-stats',
      state: 'running',
      recordsIn: sent.length + 2,
      lateRecords: 2, // once per window: to late_readings for the tumbling one, counted for the sliding one
      deadLetters: 0,
    });

    eddy.child.kill('SIGINT');
    expect(await eddy.exited).toBe(0);
  });

  it('refuses a job file with a mistake before anything starts: exit 1, file:line:column and the problem', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'name: bad\nwindows:\n  - type: tumbling\n    size: ten\n');
    const run = startEddy([
      '--job',
      bad,
      '--mqtt',
      mqttUrl,
      '--influx',
      `${influxUrl}/${database}`,
      '--port',
      '0',
    ]);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toBe(`${bad}:4:5: windows[0].size: expected a duration such as 10s, got "ten"\n`);
  });
});
