import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';

/**
 * `eddy start` as a user runs it: the real command, its defaults (embedded broker, 20 simulated
 * devices, local InfluxDB found or started, dashboards built on first start), only the ports left
 * to the OS so the test cannot collide with anything. Within 30 s the page shows moving charts and
 * the data endpoint returns fresh aggregates; Ctrl-C stops it cleanly.
 */

const repo = fileURLToPath(new URL('../..', import.meta.url));
const BUDGET_MS = 30_000;

interface LogLine {
  msg?: string;
  dashboard?: string;
  level?: number;
}

describe('eddy start from a clean tree', () => {
  let eddy: ChildProcess;
  let dataDir: string;
  let browser: Browser;
  let startedAt: number;
  const log: LogLine[] = [];
  let ready: Promise<string>;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'eddy-start-'));
    await rm(join(repo, 'dashboards', 'dist'), { recursive: true, force: true }); // as in a fresh clone
    startedAt = Date.now();
    eddy = spawn(
      process.execPath,
      ['bin/eddy.js', 'start', '--port', '0', '--mqtt-port', '0', '--data-dir', dataDir],
      {
        cwd: repo,
        env: { ...process.env, EDDY_LOG_FORMAT: 'json' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    exited = new Promise((resolve) => eddy.once('exit', (code) => resolve(code)));
    ready = new Promise((resolve, reject) => {
      createInterface({ input: eddy.stdout! }).on('line', (text) => {
        const line = JSON.parse(text) as LogLine;
        log.push(line);
        if (line.dashboard) resolve(line.dashboard);
      });
      void exited.then((code) => reject(new Error(`eddy start exited with ${code} before it was ready`)));
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (eddy && eddy.exitCode === null) eddy.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the page with moving charts within 30 s, and the data endpoint returns fresh aggregates', async () => {
    const url = await ready;
    const page = await browser.newPage();
    const remaining = () => Math.max(1, BUDGET_MS - (Date.now() - startedAt));
    /** Waits until the chart `selector` holds more than `n` points; returns how many. */
    const morePoints = async (selector: string, n: number) => {
      await page.waitForFunction(
        ([sel, min]) =>
          Number(document.querySelector(sel as string)?.getAttribute('data-points')) > (min as number),
        [selector, n],
        { timeout: remaining() },
      );
      return Number(await page.locator(selector).getAttribute('data-points'));
    };

    // `/` is the dashboard app on its fleet page: the devices and a moving messages-per-second chart.
    await page.goto(url);
    await page.waitForSelector('section[data-page="fleet"][data-state="ready"]', { timeout: remaining() });
    const first = await morePoints('#fleet-rate', 0);
    await morePoints('#fleet-rate', first);
    expect(Number(await page.locator('#device-grid').getAttribute('data-devices'))).toBeGreaterThan(1);

    // The live page: window means moving as windows close.
    await page.goto(`${url}/live.html`);
    const means = await morePoints('#chart', 0);
    await morePoints('#chart', means);
    expect(await page.locator('#chart').getAttribute('data-state')).toBe('live');
    expect(Date.now() - startedAt).toBeLessThan(BUDGET_MS);

    const response = await fetch(`${url}/api/aggregates/recent?limit=100`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { aggregates: { device: string; end: number; count: number }[] };
    expect(body.aggregates.length).toBeGreaterThan(0);
    const newest = Math.max(...body.aggregates.map((a) => a.end));
    expect(Date.now() - newest).toBeLessThan(25_000); // closed within the last two windows
    expect(new Set(body.aggregates.map((a) => a.device)).size).toBeGreaterThan(1);

    const health = (await (await fetch(`${url}/api/health`)).json()) as {
      status: string;
      job: { state: string };
    };
    expect(health.job.state).toBe('running');
    expect(health.status).toBe('ok');
  });

  it('stops cleanly on Ctrl-C (SIGINT) and exits 0', async () => {
    eddy.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(log.some((line) => line.msg === 'stopped')).toBe(true);
    expect(log.filter((line) => (line.level ?? 0) >= 50)).toEqual([]);
  });
});
