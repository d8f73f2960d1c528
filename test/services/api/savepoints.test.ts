import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../services/api/build-app.ts';
import {
  SavepointExistsError,
  type SavepointTaken,
  type SavepointTaker,
} from '../../../services/api/routes/savepoints.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';
import { healthReport } from './fixtures.ts';

const TAKEN: SavepointTaken = {
  id: 7,
  path: '/data/savepoints/before-upgrade',
  bytes: 48_211,
  keys: 1_000,
  durationMs: 120,
};

async function appWith(savepoints: SavepointTaker) {
  return buildApp({ liveFeed: new LiveFeed(), health: () => healthReport(), savepoints });
}

describe('POST /api/savepoints', () => {
  it('takes a savepoint with the given name and answers 201 with its path', async () => {
    const names: (string | undefined)[] = [];
    const app = await appWith({
      savepoint: async (name) => {
        names.push(name);
        return TAKEN;
      },
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/savepoints',
      payload: { name: 'before-upgrade' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual(TAKEN);
    const unnamed = await app.inject({ method: 'POST', url: '/api/savepoints' });
    expect(unnamed.statusCode).toBe(201);
    expect(names).toEqual(['before-upgrade', undefined]);
    await app.close();
  });

  it.each([
    ['a path', '../../etc'],
    ['a slash', 'a/b'],
    ['a leading dot', '.hidden'],
    ['a control character', 'a\nb'],
    ['an empty name', ''],
    ['a name too long', 'x'.repeat(65)],
  ])('refuses %s as a name with 400, taking nothing', async (_what, name) => {
    let taken = 0;
    const app = await appWith({
      savepoint: async () => {
        taken++;
        return TAKEN;
      },
    });
    const res = await app.inject({ method: 'POST', url: '/api/savepoints', payload: { name } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('EDDY_INVALID_REQUEST');
    expect(res.json().error.message).toMatch(/name/);
    expect(taken).toBe(0);
    await app.close();
  });

  it('passes stop on: a stop with savepoint', async () => {
    const calls: unknown[] = [];
    const app = await appWith({
      savepoint: async (name, options) => {
        calls.push([name, options]);
        return TAKEN;
      },
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/savepoints',
      payload: { name: 'move', stop: true },
    });
    expect(res.statusCode).toBe(201);
    expect(calls).toEqual([['move', { stop: true }]]);
    await app.close();
  });

  it('refuses unknown fields and non-string names', async () => {
    const app = await appWith({ savepoint: async () => TAKEN });
    for (const payload of [{ dir: '/tmp/x' }, { name: 42 }, { stop: 'yes' }]) {
      const res = await app.inject({ method: 'POST', url: '/api/savepoints', payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('EDDY_INVALID_REQUEST');
    }
    await app.close();
  });

  it('answers 409 for a name in use and 503 with the reason when the savepoint fails', async () => {
    const app = await appWith({
      savepoint: async (name) => {
        if (name === 'kept') throw new SavepointExistsError('kept');
        throw new Error('checkpoint 8 timed out waiting for window-agg#1');
      },
    });
    const exists = await app.inject({ method: 'POST', url: '/api/savepoints', payload: { name: 'kept' } });
    expect(exists.statusCode).toBe(409);
    expect(exists.json().error.code).toBe('EDDY_SAVEPOINT_EXISTS');
    const failed = await app.inject({ method: 'POST', url: '/api/savepoints', payload: { name: 'other' } });
    expect(failed.statusCode).toBe(503);
    expect(failed.json().error).toEqual({
      code: 'EDDY_SAVEPOINT_FAILED',
      message: 'The savepoint could not be taken: checkpoint 8 timed out waiting for window-agg#1.',
    });
    await app.close();
  });

  it('is absent without a job to take savepoints of', async () => {
    const app = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport() });
    const res = await app.inject({ method: 'POST', url: '/api/savepoints' });
    expect(res.statusCode).toBe(404);
    await app.close();
  });
});
