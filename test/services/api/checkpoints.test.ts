import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../services/api/build-app.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';
import type { CheckpointInfo } from '../../../services/engine/checkpoint/checkpoint-types.ts';
import { healthReport } from './fixtures.ts';

const COMPLETE: CheckpointInfo = {
  id: 12,
  kind: 'checkpoint',
  dir: '/data/checkpoints/chk-12',
  status: 'complete',
  createdAt: 1_732_464_005_000,
  durationMs: 340,
  bytes: 48_211,
  keys: 1_000,
};
const CORRUPT: CheckpointInfo = {
  ...COMPLETE,
  id: 11,
  dir: '/data/checkpoints/chk-11',
  status: 'corrupt',
  reason: 'checksum mismatch in window-agg.0.snap',
};
const INCOMPLETE: CheckpointInfo = {
  id: 13,
  kind: null,
  dir: '/data/checkpoints/chk-13',
  status: 'incomplete',
  createdAt: null,
  durationMs: null,
  bytes: 10,
  keys: null,
  reason: 'no manifest',
};

describe('GET /api/checkpoints', () => {
  it('lists what the store lists, statuses and reasons included', async () => {
    const app = await buildApp({
      liveFeed: new LiveFeed(),
      health: () => healthReport(),
      checkpoints: { list: async () => [INCOMPLETE, COMPLETE, CORRUPT] },
    });
    const res = await app.inject({ method: 'GET', url: '/api/checkpoints' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ checkpoints: [INCOMPLETE, COMPLETE, CORRUPT] });
    await app.close();
  });

  it('answers 500 in the catalog format when the store cannot be read', async () => {
    const app = await buildApp({
      liveFeed: new LiveFeed(),
      health: () => healthReport(),
      checkpoints: { list: async () => Promise.reject(new Error('EACCES')) },
    });
    const res = await app.inject({ method: 'GET', url: '/api/checkpoints' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('EDDY_INTERNAL');
    await app.close();
  });

  it('does not exist without a checkpoint store', async () => {
    const app = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport() });
    const res = await app.inject({ method: 'GET', url: '/api/checkpoints' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('EDDY_NOT_FOUND');
    await app.close();
  });
});
