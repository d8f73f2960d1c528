import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../services/api/build-app.ts';
import type { HealthReport } from '../../../services/api/health-report.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';
import { healthReport } from './fixtures.ts';

describe('GET /api/health', () => {
  let report: HealthReport = healthReport();
  const appPromise = buildApp({ liveFeed: new LiveFeed(), health: () => report });

  afterEach(() => {
    report = healthReport();
  });
  afterAll(async () => (await appPromise).close());

  async function getHealth() {
    const app = await appPromise;
    return app.inject({ method: 'GET', url: '/api/health' });
  }

  it('answers 200 ok with the whole report when every component is up', async () => {
    const res = await getHealth();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual(healthReport());
  });

  it.each([
    ['the broker is disconnected', healthReport({ broker: { connected: false } })],
    ['InfluxDB is unreachable', healthReport({ influx: { reachable: false, lastError: 'ECONNREFUSED' } })],
    ['the job is still starting', healthReport({ job: { state: 'starting' } })],
    ['the job stopped', healthReport({ job: { state: 'stopped' } })],
    ['the runtime itself says so', healthReport({ status: 'degraded' })],
  ])('answers 200 degraded when %s', async (_case, degraded) => {
    report = degraded;
    const res = await getHealth();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'degraded' });
  });

  it('does not count a disabled InfluxDB as down', async () => {
    report = healthReport({ influx: { mode: 'disabled', url: '', reachable: false } });
    const res = await getHealth();
    expect(res.json()).toMatchObject({ status: 'ok', influx: { mode: 'disabled' } });
  });

  it('answers 503 degraded when the job failed', async () => {
    report = healthReport({ job: { state: 'failed' } });
    const res = await getHealth();
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', job: { state: 'failed' } });
  });

  it('never shows a password in a URL', async () => {
    report = healthReport({
      influx: { url: 'http://eddy:s3cret@influx:8086/eddy' },
      broker: { mode: 'external', url: 'mqtt://dev:hunter2@broker:1883' },
    });
    const res = await getHealth();
    expect(res.body).not.toContain('s3cret');
    expect(res.body).not.toContain('hunter2');
    expect(res.json().influx.url).toBe('http://eddy:***@influx:8086/eddy');
  });

  it('sends null for a watermark that is not a finite number yet', async () => {
    report = healthReport({ job: { watermark: Number.NEGATIVE_INFINITY } });
    expect((await getHealth()).json().job.watermark).toBeNull();
    report = healthReport({ job: { watermark: null } });
    expect((await getHealth()).json().job.watermark).toBeNull();
  });

  it('keeps lastError when InfluxDB reports one', async () => {
    report = healthReport({ influx: { reachable: false, lastError: 'timeout after 5000 ms' } });
    expect((await getHealth()).json().influx.lastError).toBe('timeout after 5000 ms');
  });
});
