import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildDashboards } from '../../dashboards/build.ts';
import type { JobReport } from '../../services/api/schemas/jobs.ts';
import { launchChromium } from '../support/chromium.ts';
import { type EddyProcess, spawnEddy } from '../support/eddy-process.ts';
import { dropDatabase, uniqueDatabase } from '../support/influx-query.ts';
import { type MosquittoProcess, startMosquitto } from '../support/mosquitto-process.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * The dashboards app as a user gets it: `eddy start` (the real CLI) on a Mosquitto of the test's
 * own, writing to a fresh database of the test InfluxDB, with a simulated fleet, opened in headless
 * Chromium. The fleet and engine pages draw their charts with data, the device grid fills, and moving
 * between pages never reloads. Screenshots go to test/artifacts/ (gitignored).
 */

const DEVICES = 6;
const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url));

/** Waits until the chart `selector` has drawn at least `min` points (`data-drawn`, see page.ts). */
async function waitForDrawn(page: Page, selector: string, min: number): Promise<number> {
  await page.waitForFunction(
    ({ selector, min }) => Number(document.querySelector<HTMLElement>(selector)?.dataset.drawn ?? 0) >= min,
    { selector, min },
    { timeout: 30_000 },
  );
  return Number(await page.locator(selector).getAttribute('data-drawn'));
}

describe('dashboards app in Chromium on a running Eddy', () => {
  const influxUrl = inject('influxUrl');
  const database = uniqueDatabase('dashboard_app');
  let dir: string;
  let broker: MosquittoProcess;
  let eddy: EddyProcess;
  let api: string;
  let browser: Browser;

  beforeAll(async () => {
    // Eddy serves dashboards/dist and builds it only when missing: build this tree's app now.
    await buildDashboards();
    await mkdir(ARTIFACTS, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'eddy-dashboard-app-'));
    broker = await startMosquitto({ dir: join(dir, 'mosquitto') });
    eddy = spawnEddy([
      'start',
      ...['--mqtt', broker.url, '--simulate', String(DEVICES)],
      ...['--influx', `${influxUrl}/${database}`, '--port', '0', '--data-dir', dir],
      ...['--checkpoint-interval', '1s'],
    ]);
    api = await eddy.ready;
    browser = await launchChromium();
  });

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

  it('reports the job at GET /api/jobs', async () => {
    let job: JobReport | undefined;
    await waitFor(
      async () => {
        const body = (await (await fetch(`${api}/api/jobs`)).json()) as { jobs: JobReport[] };
        job = body.jobs[0];
        return job !== undefined && job.recordsIn > 0 && (job.checkpoints?.completed ?? 0) > 0;
      },
      { timeoutMs: 30_000, intervalMs: 250, message: 'a job with records in and a completed checkpoint' },
    );
    expect(job).toMatchObject({ name: 'window-aggregates', state: 'running', parallelism: 1 });
    expect(job!.sources.length).toBeGreaterThan(0);
    expect(job!.operators.some((op) => op.name.startsWith('window('))).toBe(true);
    expect(job!.checkpoints!.lastSizeBytes).toBeGreaterThan(0);
  });

  it('shows the fleet and the engine, and moves between pages without reloading', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    const foreignRequests: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(api)) foreignRequests.push(request.url());
    });

    // `/` is the app, on the fleet page.
    await page.goto(`${api}/`);
    await page.waitForSelector('section[data-page="fleet"][data-state="ready"]', { timeout: 20_000 });
    expect(new URL(page.url()).hash).toBe('#/fleet');
    const loaded = await page.evaluate(() => window.__eddyLoaded);
    expect(loaded).toBeGreaterThan(0);
    expect(await page.locator('#nav a').allTextContents()).toEqual([
      'Fleet',
      'Device',
      'Anomalies',
      'Models',
      'Engine',
    ]);
    await page.waitForSelector('#health[data-status="ok"]', { timeout: 20_000 });

    // Every simulated device in the grid, online, and messages per second drawn as a line.
    await page.waitForSelector(`#device-grid[data-devices="${DEVICES}"]`, { timeout: 30_000 });
    await page.waitForFunction(
      (n) => document.querySelectorAll('#device-grid [data-state="online"]').length === n,
      DEVICES,
      { timeout: 30_000 },
    );
    expect(await waitForDrawn(page, '#fleet-rate', 2)).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-tile="online"] .value').textContent()).toBe(String(DEVICES));
    expect(
      Number(await page.locator('[data-tile="messages-per-second"] .value').textContent()),
    ).toBeGreaterThan(0);
    expect(await page.locator('[data-tile="anomalies"] .value').textContent()).toMatch(/^\d+$/);
    await page.screenshot({ path: join(ARTIFACTS, 'fleet.png'), fullPage: true });

    // A device's tile opens its page.
    const first = page.locator('#device-grid [data-device]').first();
    const id = await first.getAttribute('data-device');
    await first.click();
    await page.waitForSelector('section[data-page="device"]', { timeout: 10_000 });
    expect(new URL(page.url()).hash).toBe(`#/device?id=${encodeURIComponent(id!)}`);
    expect(await page.locator('#nav a[aria-current="page"]').textContent()).toBe('Device');

    // The engine page, from the navigation.
    await page.click('#nav a[data-page="engine"]');
    await page.waitForSelector('section[data-page="engine"][data-state="ready"]', { timeout: 20_000 });
    expect(await waitForDrawn(page, '#engine-throughput', 2)).toBeGreaterThanOrEqual(2);
    expect(await waitForDrawn(page, '#engine-lag', 1)).toBeGreaterThanOrEqual(1);
    expect(await waitForDrawn(page, '#engine-checkpoints', 1)).toBeGreaterThanOrEqual(1);
    await page.waitForSelector('#engine-operators[data-rows]:not([data-rows="0"])', { timeout: 10_000 });
    expect(await page.locator('[data-tile="state"] .value').textContent()).toBe('running');
    expect(await page.locator('[data-tile="state"]').getAttribute('title')).toContain('window-aggregates');
    expect(await page.locator('[data-tile="checkpoints"] .value').textContent()).toMatch(/^[1-9][\d,]* ok/);
    expect(await page.locator('[data-tile="tensorflow"] .value').textContent()).not.toBe('–');
    await page.screenshot({ path: join(ARTIFACTS, 'engine.png'), fullPage: true });

    // Back to the fleet with the browser's history: still the same document.
    await page.goBack();
    await page.goBack();
    await page.waitForSelector('section[data-page="fleet"][data-state="ready"]', { timeout: 20_000 });
    expect(await page.evaluate(() => window.__eddyLoaded)).toBe(loaded);
    expect(await page.locator('section[data-page]').count()).toBe(1);

    expect(errors).toEqual([]);
    expect(foreignRequests).toEqual([]);
    await page.close();
  });
});
