import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../services/api/build-app.ts';
import { isRateLimited } from '../../../services/api/security.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';
import { healthReport } from './fixtures.ts';

const TOKEN = 'test-token-0123456789abcdef';

describe('security headers', () => {
  it('sends helmet headers with a policy the dashboards work with, and no HSTS over plain HTTP', async () => {
    const app = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport() });
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'"); // ECharts and Swagger UI set element styles
    expect(csp).toContain("connect-src 'self'"); // fetch and the live EventSource
    expect(csp).toContain("img-src 'self' data:"); // the favicon
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    await app.close();
  });
});

describe('rate limiting', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-rate-limit-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Eddy</title>');
    await writeFile(join(dir, 'app.js'), 'console.log(1);');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const appWithLimit = (max: number | 'off') =>
    buildApp({
      liveFeed: new LiveFeed(),
      health: () => healthReport(),
      apiToken: TOKEN,
      dashboardsDir: dir,
      rateLimit: max === 'off' ? 'off' : { max },
    });

  it('answers 429 in the error catalog shape, with Retry-After, past the limit per client address', async () => {
    const app = await appWithLimit(3);
    for (let i = 0; i < 3; i++) {
      expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    }
    const refused = await app.inject({ method: 'GET', url: '/api/health' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['x-ratelimit-limit']).toBe('3');
    const body = refused.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe('EDDY_RATE_LIMITED');
    expect(body.error.message).toContain('at most 3 in a minute');
    expect(body.error.message).toContain('--rate-limit');

    // Another address has its own budget.
    const other = await app.inject({ method: 'GET', url: '/api/health', remoteAddress: '10.0.0.2' });
    expect(other.statusCode).toBe(200);
    await app.close();
  });

  it('counts requests with a wrong token too: guessing the token is limited', async () => {
    const app = await buildApp({
      liveFeed: new LiveFeed(),
      health: () => healthReport(),
      apiToken: TOKEN,
      rateLimit: { max: 2 },
      savepoints: { savepoint: () => Promise.reject(new Error('not in this test')) },
    });
    const guess = {
      method: 'POST' as const,
      url: '/api/savepoints',
      headers: { authorization: 'Bearer wrong' },
    };
    expect((await app.inject(guess)).statusCode).toBe(401);
    expect((await app.inject(guess)).statusCode).toBe(401);
    const third = await app.inject(guess);
    expect(third.statusCode).toBe(429);
    expect((third.json() as { error: { code: string } }).error.code).toBe('EDDY_RATE_LIMITED');
    await app.close();
  });

  it('never counts the dashboard files, so a page still loads when the API budget is spent', async () => {
    const app = await appWithLimit(1);
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(429);
    for (let i = 0; i < 5; i++) {
      expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/app.js' })).statusCode).toBe(200);
    }
    await app.close();
  });

  it('is off with "off"', async () => {
    const app = await appWithLimit('off');
    for (let i = 0; i < 50; i++) {
      expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    }
    await app.close();
  });

  it('counts the API, /metrics and /docs, not the live stream nor static files', () => {
    expect(isRateLimited('/api/health')).toBe(true);
    expect(isRateLimited('/api/devices?limit=5')).toBe(true);
    expect(isRateLimited('/metrics')).toBe(true);
    expect(isRateLimited('/docs/json')).toBe(true);
    expect(isRateLimited('/api/live')).toBe(false);
    expect(isRateLimited('/api/live?types=aggregate&after=3')).toBe(false);
    expect(isRateLimited('/')).toBe(false);
    expect(isRateLimited('/live.html')).toBe(false);
    expect(isRateLimited('/app.js')).toBe(false);
  });

  it('refuses a limit that is not a positive whole number', async () => {
    await expect(
      buildApp({ liveFeed: new LiveFeed(), health: () => healthReport(), rateLimit: { max: 0 } }),
    ).rejects.toThrow(/positive whole number/);
  });
});
