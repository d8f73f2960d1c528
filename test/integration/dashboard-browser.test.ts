import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../dashboards/build.ts';
import { buildApp } from '../../services/api/build-app.ts';
import { LiveFeed } from '../../services/connectors/live/live-feed.ts';
import type { WindowAggregate } from '../../services/domain/window-aggregate.ts';
import { healthReport } from '../services/api/fixtures.ts';
import { launchChromium } from '../support/chromium.ts';

/** Screenshots (gitignored). */
const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url));
const T0 = Date.UTC(2024, 0, 15, 9, 0, 0);
const WINDOW_MS = 10_000;
const DEVICES = ['boiler-1', 'boiler-2', 'chiller-7'];

/** A deterministic, smooth-looking window of `metric` for device `d` at window index `i`. */
function aggregate(metric: string, d: number, i: number): WindowAggregate {
  const base = metric === 'temperature' ? 20 + d * 2.5 : 45 + d * 5;
  const mean = base + Math.sin(i / 4 + d) * 1.5 + i * 0.05;
  const spread = 0.6 + ((i * 7 + d * 3) % 5) * 0.1;
  const start = T0 + i * WINDOW_MS;
  return {
    device: DEVICES[d]!,
    metric,
    window: '10s',
    start,
    end: start + WINDOW_MS,
    count: 10,
    mean,
    min: mean - spread,
    max: mean + spread,
    stddev: spread / 2,
  };
}

function publishWindows(feed: LiveFeed, metric: string, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    for (let d = 0; d < DEVICES.length; d++) feed.publish('aggregate', aggregate(metric, d, i));
  }
}

async function chartAttribute(page: Page, name: string): Promise<string | null> {
  return page.locator('#chart').getAttribute(name);
}

/** The live aggregates page (`/live.html`, linked from the app's header; the app itself is at `/`). */
describe('live aggregates page in Chromium', () => {
  const feed = new LiveFeed({ capacity: 1_000 });
  let outDir: string;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'eddy-dashboards-'));
    await mkdir(ARTIFACTS, { recursive: true });
    await buildDashboards({ outDir });
    publishWindows(feed, 'temperature', 0, 20);
    publishWindows(feed, 'humidity', 0, 5);
    app = await buildApp({ liveFeed: feed, health: () => healthReport(), dashboardsDir: outDir });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('draws the recent aggregates, then moves live as new windows arrive', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const problems: string[] = [];
    const foreignRequests: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(base)) foreignRequests.push(request.url());
    });

    await page.goto(`${base}/live.html?metric=temperature`);
    expect(await page.title()).toBe('Eddy');

    // History from /api/aggregates/recent: 20 windows × 3 devices of temperature.
    await page.waitForSelector('#chart[data-state="live"][data-points="60"]', { timeout: 10_000 });
    expect(await chartAttribute(page, 'data-series')).toBe('3');
    expect(await chartAttribute(page, 'data-metric')).toBe('temperature');
    expect(await page.locator('#metric option').allTextContents()).toEqual(['humidity', 'temperature']);
    expect(await page.locator('#metric').inputValue()).toBe('temperature');
    await page.waitForSelector('#health[data-status="ok"]', { timeout: 10_000 });
    expect(await page.locator('#health [data-role="detail"]').textContent()).toContain('job default running');

    // Live from /api/live: two more windows per device move the chart.
    publishWindows(feed, 'temperature', 20, 22);
    await page.waitForSelector('#chart[data-points="66"]', { timeout: 10_000 });
    // A window firing again (late data) replaces its point instead of adding one.
    const late = aggregate('temperature', 0, 21);
    feed.publish('aggregate', { ...late, count: 11, mean: late.mean + 0.4, max: late.max + 0.4 });
    publishWindows(feed, 'temperature', 22, 23);
    await page.waitForSelector('#chart[data-points="69"]', { timeout: 10_000 });

    // A metric seen only live joins the selector; switching metrics redraws.
    publishWindows(feed, 'pressure', 0, 2);
    await page.waitForFunction(() => document.querySelectorAll('#metric option').length === 3, null, {
      timeout: 10_000,
    });
    await page.selectOption('#metric', 'humidity');
    await page.waitForSelector('#chart[data-metric="humidity"][data-points="15"]', { timeout: 10_000 });
    await page.selectOption('#metric', 'temperature');
    await page.waitForSelector('#chart[data-metric="temperature"][data-points="69"]', { timeout: 10_000 });
    await page.waitForSelector('#chart[data-drawn="69"]', { timeout: 10_000 }); // animations finished

    // Hover the middle of the chart so the screenshot shows the tooltip too.
    const box = await page.locator('#chart').boundingBox();
    if (box) await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    const tooltip = page.locator('#chart div', { hasText: 'temperature ·' });
    await tooltip.first().waitFor({ state: 'visible', timeout: 5_000 });
    expect(await tooltip.first().textContent()).toMatch(/boiler-1 [\d.]+ \(min [\d.]+, max [\d.]+, n=10\)/);
    await page.screenshot({ path: join(ARTIFACTS, 'live.png') });

    expect(problems).toEqual([]);
    expect(foreignRequests).toEqual([]);
    await page.close();
  });

  it('shows the health status as degraded when a component is down', async () => {
    // A second app on the same feed, whose runtime reports InfluxDB down.
    const degraded = await buildApp({
      liveFeed: feed,
      health: () => healthReport({ influx: { reachable: false, lastError: 'connection refused' } }),
      dashboardsDir: outDir,
    });
    const url = await degraded.listen({ port: 0, host: '127.0.0.1' });
    const page = await browser.newPage();
    try {
      await page.goto(`${url}/live.html`);
      await page.waitForSelector('#health[data-status="degraded"]', { timeout: 10_000 });
      expect(await page.locator('#health').getAttribute('title')).toContain('InfluxDB');
    } finally {
      await page.close();
      await degraded.close();
    }
  });
});
