import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/api/build-app.ts';
import type { JobReport } from '../../../../services/api/schemas/jobs.ts';
import { LiveFeed } from '../../../../services/connectors/live/live-feed.ts';
import { healthReport } from '../fixtures.ts';

const REPORT: JobReport = {
  name: 'window-aggregates',
  state: 'running',
  parallelism: 2,
  recordsIn: 1_200,
  resultsOut: 40,
  lateRecords: 3,
  deadLetters: 1,
  sources: [
    {
      name: 'readings',
      subtask: null,
      recordsOut: 1_200,
      watermark: 1_700_000_000_000,
      watermarkLagMs: 2_150,
      backpressurePauses: 4,
      paused: false,
      idle: false,
    },
  ],
  operators: [
    {
      name: 'window(10s)',
      recordsIn: 1_200,
      recordsOut: 40,
      watermark: null,
      watermarkLagMs: null,
      lateRecordsDropped: 2,
      stateKeys: 20,
      stateBytes: 4_096,
    },
  ],
  checkpoints: {
    completed: 5,
    aborted: 1,
    skipped: 0,
    pending: null,
    lastId: 6,
    lastDurationMs: 35,
    lastSizeBytes: 48_211,
    lastKeys: 20,
    maxPauseMs: 4,
  },
  backpressure: { pausedSources: 0, blockedChannels: 1, maxChannelFill: 0.5, queuedBatches: 2 },
  tensorflowBackend: 'wasm',
};

async function appWith(jobs?: () => readonly JobReport[] | Promise<readonly JobReport[]>) {
  return buildApp({ liveFeed: new LiveFeed(), health: () => healthReport(), ...(jobs ? { jobs } : {}) });
}

describe('GET /api/jobs', () => {
  it('answers the reports of the running jobs, read on every request', async () => {
    let calls = 0;
    const app = await appWith(async () => {
      calls++;
      return [REPORT, { ...REPORT, name: 'second', checkpoints: null, tensorflowBackend: null }];
    });
    const res = await app.inject({ method: 'GET', url: '/api/jobs' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { jobs: JobReport[] };
    expect(body.jobs[0]).toEqual(REPORT);
    expect(body.jobs[1]).toMatchObject({ name: 'second', checkpoints: null, tensorflowBackend: null });
    await app.inject({ method: 'GET', url: '/api/jobs' });
    expect(calls).toBe(2);
    await app.close();
  });

  it('leaves out fields the schema does not name', async () => {
    const app = await appWith(() => [{ ...REPORT, secret: 'x' } as JobReport]);
    const res = await app.inject({ method: 'GET', url: '/api/jobs' });
    expect(res.json().jobs[0]).not.toHaveProperty('secret');
    await app.close();
  });

  it('is absent without the jobs dependency', async () => {
    const app = await appWith();
    const res = await app.inject({ method: 'GET', url: '/api/jobs' });
    expect(res.statusCode).toBe(404);
    await app.close();
  });

  it('is documented in the OpenAPI description', async () => {
    const app = await appWith(() => [REPORT]);
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.json().paths).toHaveProperty('/api/jobs');
    await app.close();
  });
});
