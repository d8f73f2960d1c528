import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildDashboards } from '../../dashboards/build.ts';
import type { AnomalyBody } from '../../services/api/schemas/anomalies.ts';
import type { ModelMetricsResponse } from '../../services/api/schemas/model-metrics.ts';
import { launchChromium } from '../support/chromium.ts';
import { type EddyProcess, spawnEddy } from '../support/eddy-process.ts';
import { dropDatabase, uniqueDatabase } from '../support/influx-query.ts';
import { type MosquittoProcess, startMosquitto } from '../support/mosquitto-process.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * The device, anomalies and models pages as a user gets them: `eddy start` (the real CLI) on a
 * Mosquitto of the test's own, writing to a fresh database of the test InfluxDB, with a simulated
 * fleet; one reading far outside a device's range, published through the broker, becomes an
 * anomaly. In headless Chromium: the anomaly is a row of the table, Acknowledge marks it (with the
 * API token from the data folder), clicking it opens the device at that moment with the anomaly
 * drawn as a marker, and the models page draws the model's prequential metrics. Screenshots go to
 * test/artifacts/ (gitignored).
 */

const DEVICES = 3;
const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url));

interface Aggregate {
  device: string;
  metric: string;
  mean: number;
  min: number;
  max: number;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Waits until the element `selector` has `data-<name>` of at least `min`; answers its value. */
async function waitForAttribute(page: Page, selector: string, name: string, min: number): Promise<number> {
  await page.waitForFunction(
    ({ selector, name, min }) =>
      Number(document.querySelector(selector)?.getAttribute(`data-${name}`) ?? 0) >= min,
    { selector, name, min },
    { timeout: 30_000 },
  );
  return Number(await page.locator(selector).getAttribute(`data-${name}`));
}

describe('device, anomalies and models pages in Chromium on a running Eddy', () => {
  const influxUrl = inject('influxUrl');
  const database = uniqueDatabase('dashboard_device_pages');
  let dir: string;
  let broker: MosquittoProcess;
  let eddy: EddyProcess;
  let api: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  let anomaly: AnomalyBody;

  beforeAll(async () => {
    await buildDashboards();
    await mkdir(ARTIFACTS, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'eddy-dashboard-device-pages-'));
    broker = await startMosquitto({ dir: join(dir, 'mosquitto') });
    eddy = spawnEddy([
      'start',
      ...['--mqtt', broker.url, '--simulate', String(DEVICES)],
      ...['--influx', `${influxUrl}/${database}`, '--port', '0', '--data-dir', dir],
    ]);
    api = await eddy.ready;
    browser = await launchChromium();
    const token = (await readFile(join(dir, 'api-token'), 'utf8')).trim();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript((value) => window.localStorage.setItem('eddy.apiToken', value), token);
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });

    // A forced anomaly: once the detectors have warmed up on a series (a few windows of it),
    // one reading of it far outside its range, through the broker as a device sends it.
    let series: Aggregate | undefined;
    await waitFor(
      async () => {
        const { aggregates } = await getJson<{ aggregates: Aggregate[] }>(
          `${api}/api/aggregates/recent?limit=1000`,
        );
        const counts = new Map<string, number>();
        for (const a of aggregates)
          counts.set(`${a.device}|${a.metric}`, (counts.get(`${a.device}|${a.metric}`) ?? 0) + 1);
        series = aggregates.find((a) => (counts.get(`${a.device}|${a.metric}`) ?? 0) >= 2);
        return series !== undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, message: 'two windows of one series' },
    );
    const { device, metric, mean, min, max } = series!;
    const spike = mean + 1_000 * Math.max(1, max - min);
    const client = await mqtt.connectAsync(broker.url, { clientId: 'dashboard-device-pages-spike' });
    await client.publishAsync(
      `sensors/${device}/telemetry`,
      JSON.stringify({ ts: Date.now(), [metric]: spike }),
      {
        qos: 1,
      },
    );
    await client.endAsync();
    await waitFor(
      async () => {
        const { anomalies } = await getJson<{ anomalies: AnomalyBody[] }>(
          `${api}/api/anomalies?device=${device}&metric=${metric}`,
        );
        const found = anomalies.find((a) => a.value === spike);
        if (found) anomaly = found;
        return found !== undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, message: `the anomaly of ${device}/${metric} in /api/anomalies` },
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (eddy?.child.exitCode === null) {
      eddy.child.kill('SIGTERM');
      await eddy.exited;
    }
    await broker?.stop();
    await dropDatabase(influxUrl, database).catch(() => {});
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists the anomaly, acknowledges it and opens the device at that moment with its marker', async () => {
    const { device, metric, detector, ts } = anomaly;
    await page.goto(`${api}/#/anomalies?device=${device}`);
    const row = page.locator(`tr[data-device="${device}"][data-metric="${metric}"][data-ts="${ts}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await waitForAttribute(page, 'table[data-rows]', 'rows', 1)).toBeGreaterThanOrEqual(1);
    expect(await row.getAttribute('data-acknowledged')).toBe('false');
    expect(await row.getAttribute('data-detector')).toBe(detector);

    // Sorting by score and back keeps the row.
    await page.locator('th[data-sort="score"]').click();
    expect(await page.locator('th[data-sort="score"]').getAttribute('aria-sort')).toBe('descending');
    await row.waitFor();

    await row.locator('button[data-role="ack"]').click();
    await page.waitForSelector(
      `tr[data-device="${device}"][data-ts="${ts}"][data-acknowledged="true"] [data-role="acknowledged"]`,
      { timeout: 15_000 },
    );
    const acknowledged = await getJson<{ anomalies: AnomalyBody[] }>(
      `${api}/api/anomalies?acknowledged=true&device=${device}`,
    );
    expect(acknowledged.anomalies.map((a) => `${a.metric}|${a.ts}`)).toContain(`${metric}|${ts}`);
    await page.screenshot({ path: join(ARTIFACTS, 'anomalies.png'), fullPage: true });

    const loaded = await page.evaluate(() => window.performance.timeOrigin);
    await page
      .locator(`tr[data-device="${device}"][data-ts="${ts}"]`)
      .locator('button[data-role="open"]')
      .click();
    await page.waitForFunction(() => window.location.hash.startsWith('#/device?'));
    const hash = new URLSearchParams((await page.evaluate(() => window.location.hash)).split('?')[1]);
    expect(Object.fromEntries(hash)).toEqual({ id: device, metric, at: String(ts) });
    const chart = `[data-page="device"] .chart[data-metric="${metric}"]`;
    expect(await waitForAttribute(page, chart, 'drawn', 1)).toBeGreaterThan(0);
    expect(await waitForAttribute(page, chart, 'anomalies', 1)).toBeGreaterThanOrEqual(1);
    expect(await page.evaluate(() => window.performance.timeOrigin)).toBe(loaded); // no reload
    await page.screenshot({ path: join(ARTIFACTS, 'device.png'), fullPage: true });
  }, 90_000);

  it('draws the prequential metrics of the forecast model for a key', async () => {
    const key = `${anomaly.device}/${anomaly.metric}`;
    await waitFor(
      async () => {
        const answer = await getJson<ModelMetricsResponse>(
          `${api}/api/models/forecast/metrics?key=${encodeURIComponent(key)}&scope=rolling`,
        );
        return answer.points.length > 0;
      },
      { timeoutMs: 90_000, intervalMs: 1_000, message: `model_metrics of forecast for ${key}` },
    );
    await page.goto(`${api}/#/models?name=forecast&key=${encodeURIComponent(key)}`);
    await page.waitForSelector('[data-page="models"][data-state="ready"]', { timeout: 15_000 });
    expect(await waitForAttribute(page, 'table.models', 'rows', 1)).toBeGreaterThanOrEqual(1);
    expect(
      await waitForAttribute(page, '[data-page="models"] .chart[data-metric="mae"]', 'drawn', 1),
    ).toBeGreaterThan(0);
    expect(await page.locator('select[data-role="key"]').inputValue()).toBe(key);
    await page.screenshot({ path: join(ARTIFACTS, 'models.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 120_000);
});
