import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type EddyProcess, spawnEddy } from '../support/eddy-process.ts';
import { dropDatabase, type InfluxRow, queryInflux, uniqueDatabase } from '../support/influx-query.ts';
import { type MosquittoProcess, startMosquitto } from '../support/mosquitto-process.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * The default job's forecasts, as a user gets them: `eddy start` (the real CLI) with simulated
 * devices publishing through a Mosquitto of the test's own, writing to a fresh database of the test
 * InfluxDB. Within a minute `predictions` holds, for a device's metric, the reading the simulator
 * published (`value`) beside the model's forecast of it (`expected`) and its interval (`lower`,
 * `upper`), and `model_metrics` the prequential mae, rmse and r2 of the model per series; the API
 * lists the model.
 */

const DEVICES = 3;
const SERIES_KEY = /^sim-\d{4}\/[a-z]+$/;

/** Finite numbers only: InfluxDB reads a field a point does not have as null. */
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

describe('end to end: the default job forecasts every series (predictions and model_metrics in InfluxDB)', () => {
  const influxUrl = inject('influxUrl');
  const database = uniqueDatabase('e2e_model_predictions');
  /** What the simulator published: `device|metric|ts` → value. */
  const published = new Map<string, number>();
  let dir: string;
  let broker: MosquittoProcess;
  let observer: MqttClient;
  let eddy: EddyProcess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-model-predictions-e2e-'));
    broker = await startMosquitto({ dir: join(dir, 'mosquitto') });
    observer = await mqtt.connectAsync(broker.url, { clientId: 'e2e-model-predictions-observer' });
    observer.on('message', (topic, payload) => {
      const device = topic.split('/')[1]!;
      const { ts, ...metrics } = JSON.parse(payload.toString()) as Record<string, number>;
      for (const [metric, value] of Object.entries(metrics))
        published.set(`${device}|${metric}|${ts}`, value);
    });
    await observer.subscribeAsync('sensors/+/telemetry', { qos: 1 });
    eddy = spawnEddy([
      'start',
      ...['--mqtt', broker.url, '--simulate', String(DEVICES)],
      ...['--influx', `${influxUrl}/${database}`, '--port', '0', '--data-dir', dir],
    ]);
    await eddy.ready;
  });

  afterAll(async () => {
    if (eddy?.child.exitCode === null) eddy.child.kill('SIGKILL');
    await observer?.endAsync();
    await broker?.stop();
    await dropDatabase(influxUrl, database).catch(() => {});
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes each reading beside its forecast and interval, the reading exactly as published', async () => {
    const complete = (row: InfluxRow) =>
      isNumber(row.value) && isNumber(row.expected) && isNumber(row.lower) && isNumber(row.upper);
    let rows: InfluxRow[] = [];
    await waitFor(
      async () => {
        rows = await queryInflux(
          influxUrl,
          database,
          `SELECT "value", "expected", "lower", "upper" FROM predictions WHERE "model" = 'forecast' GROUP BY "device", "metric"`,
        ).catch(() => []);
        const perSeries = new Map<string, number>();
        for (const row of rows.filter(complete)) {
          const series = `${row.device}|${row.metric}`;
          perSeries.set(series, (perSeries.get(series) ?? 0) + 1);
        }
        return [...perSeries.values()].some((count) => count >= 20);
      },
      { timeoutMs: 60_000, message: 'a series with 20 complete predictions in InfluxDB' },
    );

    const full = rows.filter(complete);
    expect(new Set(full.map((row) => row.device)).size).toBe(DEVICES);
    for (const row of full) {
      const key = `${row.device}|${row.metric}|${row.time}`;
      expect(published.get(key), `the reading predicted at ${key}`).toBe(row.value);
      expect(row.lower as number).toBeLessThanOrEqual(row.expected as number);
      expect(row.upper as number).toBeGreaterThanOrEqual(row.expected as number);
    }
    // 95 % intervals from a handful of residuals at first: most readings fall inside.
    const inside = full.filter(
      (row) =>
        (row.lower as number) <= (row.value as number) && (row.value as number) <= (row.upper as number),
    );
    expect(inside.length / full.length).toBeGreaterThan(0.75);
  }, 90_000);

  it('writes the prequential mae, rmse and r2 of each series, and the API lists the model', async () => {
    let rows: InfluxRow[] = [];
    await waitFor(
      async () => {
        rows = await queryInflux(
          influxUrl,
          database,
          `SELECT * FROM model_metrics WHERE "model" = 'forecast' GROUP BY "key", "scope"`,
        ).catch(() => []);
        return rows.some((row) => isNumber(row.mae) && isNumber(row.rmse) && isNumber(row.r2));
      },
      { timeoutMs: 60_000, message: 'model_metrics with mae, rmse and r2 in InfluxDB' },
    );
    const reported = rows.filter((row) => isNumber(row.mae) && isNumber(row.rmse) && isNumber(row.r2));
    for (const row of reported) {
      expect(row.key).toMatch(SERIES_KEY);
      expect(['cumulative', 'rolling']).toContain(row.scope);
      expect(row.count as number).toBeGreaterThan(0);
      expect(Number.isInteger(row.version)).toBe(true);
      expect(row.mae as number).toBeGreaterThanOrEqual(0);
      expect(row.rmse as number).toBeGreaterThanOrEqual(row.mae as number);
      expect(row.r2 as number).toBeLessThanOrEqual(1);
    }

    const api = await eddy.ready;
    const body = (await (await fetch(`${api}/api/models`)).json()) as { models: { name: string }[] };
    expect(body.models.map((model) => model.name)).toContain('forecast');
  }, 90_000);

  it('stops cleanly on SIGINT, without an error logged', async () => {
    eddy.child.kill('SIGINT');
    expect(await eddy.exited).toBe(0);
    expect(eddy.lines.filter((line) => (line.level ?? 0) >= 50)).toEqual([]);
  });
});
