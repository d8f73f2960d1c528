import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../services/api/build-app.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';
import { healthReport } from './fixtures.ts';

describe('dashboard assets', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'eddy-dashboards-route-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  async function appServing(dir: string) {
    return buildApp({ liveFeed: new LiveFeed(), health: () => healthReport(), dashboardsDir: dir });
  }

  it('serves index.html at / and the other assets by name, with a content security policy', async () => {
    const dir = join(root, 'built');
    await mkdir(dir);
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Eddy</title>');
    await writeFile(join(dir, 'live.js'), 'console.log(1);');
    await writeFile(join(dir, 'live.css'), 'body{}');
    await writeFile(join(dir, '.env'), 'SECRET=1');
    const app = await appServing(dir);

    const index = await app.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.body).toContain('<title>Eddy</title>');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['cache-control']).toContain('max-age=0');

    const script = await app.inject({ method: 'GET', url: '/live.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect((await app.inject({ method: 'GET', url: '/live.css' })).headers['content-type']).toMatch(
      /^text\/css/,
    );

    const missing = await app.inject({ method: 'GET', url: '/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('EDDY_NOT_FOUND');
    expect((await app.inject({ method: 'GET', url: '/.env' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/..%2f..%2fetc%2fpasswd' })).statusCode).toBe(404);

    // The API routes still win over the static wildcard.
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    await app.close();
  });

  it('tells to run npm run build:dashboards when the assets are missing', async () => {
    const dir = join(root, 'never-built');
    const app = await appServing(dir);
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: {
        code: 'EDDY_DASHBOARDS_NOT_BUILT',
        message: `Dashboard assets not found in ${dir}: run \`npm run build:dashboards\`, then reload this page.`,
      },
    });

    // A build made while the server runs is picked up without a restart.
    await mkdir(dir);
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Eddy</title>');
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    await app.close();
  });
});
