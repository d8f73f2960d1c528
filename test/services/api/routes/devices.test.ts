import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/api/build-app.ts';
import { LiveFeed } from '../../../../services/connectors/live/live-feed.ts';
import { DeviceRegistry } from '../../../../services/devices/device-registry.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { healthReport } from '../fixtures.ts';

let registry: DeviceRegistry;
let clock: ManualClock;
let app: FastifyInstance;

beforeEach(async () => {
  clock = new ManualClock(1_700_000_000_000);
  registry = DeviceRegistry.open(':memory:', { clock, flushIntervalMs: 0 });
  app = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport(), devices: registry });
});
afterEach(async () => {
  await app.close();
  registry.close();
});

const post = (url: string, payload?: object) =>
  app.inject({ method: 'POST', url, ...(payload === undefined ? {} : { payload }) });
const errorOf = (res: { json(): unknown }) =>
  (res.json() as { error: { code: string; message: string } }).error;

describe('POST /api/devices', () => {
  it('registers a device and returns its credentials once (201, no-store)', async () => {
    const res = await post('/api/devices', {
      id: 'boiler-1',
      name: 'Boiler 1',
      kind: 'boiler',
      location: 'plant 2',
      tags: { site: 'lyon' },
      expectedIntervalMs: 5_000,
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json() as {
      device: Record<string, unknown>;
      credentials: { username: string; password: string };
    };
    expect(body.device).toMatchObject({
      id: 'boiler-1',
      kind: 'boiler',
      tags: { site: 'lyon' },
      status: 'unknown',
      auto: false,
    });
    expect(body.credentials.username).toBe('boiler-1');
    expect(await registry.verify('boiler-1', body.credentials.password)).toBe(true);
    const again = await app.inject({ method: 'GET', url: '/api/devices/boiler-1' });
    expect(again.body).not.toContain(body.credentials.password);
    expect(again.body).not.toContain('scrypt');
  });

  it('answers 409 EDDY_DEVICE_EXISTS for a registered id', async () => {
    await post('/api/devices', { id: 'd1' });
    const res = await post('/api/devices', { id: 'd1' });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'EDDY_DEVICE_EXISTS' });
    expect(errorOf(res).message).toContain('Device "d1" is registered already');
  });

  it.each([
    [{ id: '../../etc/passwd' }, 'body field "id"'],
    [{ id: "x' OR '1'='1" }, 'body field "id"'],
    [{ id: 'ok', expectedIntervalMs: '5000' }, 'expectedIntervalMs'],
    [{ id: 'ok', tags: { site: 'a,b=c' } }, 'tags'],
    [{ id: 'ok', tags: ['x'] }, 'tags'],
    [{ id: 'ok', extra: 1 }, 'is not a known field'],
    [{ id: 'ok', name: 'x'.repeat(129) }, 'name'],
    [{}, 'id'],
  ])('refuses %j with 400 naming the field', async (payload, mention) => {
    const res = await post('/api/devices', payload);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('EDDY_INVALID_REQUEST');
    expect(errorOf(res).message).toContain(mention);
  });

  it('refuses oversized tag sets and reserved tag keys', async () => {
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']));
    const tooMany = await post('/api/devices', { id: 'ok', tags: many });
    expect(tooMany.statusCode).toBe(400);
    expect(errorOf(tooMany).message).toContain('tags');
    const reserved = await post('/api/devices', { id: 'ok', tags: { device: 'other' } });
    expect(reserved.statusCode).toBe(400);
    expect(errorOf(reserved)).toEqual({
      code: 'EDDY_DEVICE_INVALID',
      message: 'Invalid device: tag key "device" is reserved by Eddy\'s own InfluxDB tags; choose another.',
    });
    const badKey = await post('/api/devices', { id: 'ok', tags: { 'a b': 'v' } });
    expect(badKey.statusCode).toBe(400);
    expect(errorOf(badKey).code).toBe('EDDY_DEVICE_INVALID');
  });

  it('marks every mutating route auth: true for the bearer-token hook', async () => {
    const configs: { method: string; url: string; auth: unknown }[] = [];
    const probe = await buildApp({
      liveFeed: new LiveFeed(),
      health: () => healthReport(),
      devices: registry,
    });
    probe.addHook('onRequest', async (request) => {
      configs.push({
        method: request.method,
        url: request.routeOptions.url ?? '',
        auth: request.routeOptions.config.auth,
      });
    });
    await probe.inject({ method: 'POST', url: '/api/devices', payload: { id: 'x' } });
    await probe.inject({ method: 'PATCH', url: '/api/devices/x', payload: { name: 'n' } });
    await probe.inject({ method: 'POST', url: '/api/devices/x/credentials' });
    await probe.inject({ method: 'DELETE', url: '/api/devices/x' });
    await probe.inject({ method: 'GET', url: '/api/devices' });
    await probe.close();
    expect(configs.map((c) => `${c.method} ${c.url} ${String(c.auth)}`)).toEqual([
      'POST /api/devices true',
      'PATCH /api/devices/:id true',
      'POST /api/devices/:id/credentials true',
      'DELETE /api/devices/:id true',
      'GET /api/devices undefined',
    ]);
  });
});

describe('GET /api/devices', () => {
  beforeEach(() => {
    registry.register('a', { kind: 'boiler', tags: { site: 'lyon' } });
    registry.register('b', { kind: 'boiler', tags: { site: 'oslo' } });
    registry.register('c', { kind: 'pump' });
    registry.seen('a');
    registry.seen('auto-9');
  });

  it('lists devices by id with status and paging', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/devices?limit=2&offset=1' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { devices: { id: string }[]; total: number; limit: number; offset: number };
    expect(body).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(body.devices.map((d) => d.id)).toEqual(['auto-9', 'b']);
  });

  it('filters by status, kind and tag', async () => {
    const ids = async (query: string) =>
      (
        (await app.inject({ method: 'GET', url: `/api/devices?${query}` })).json() as {
          devices: { id: string }[];
        }
      ).devices.map((d) => d.id);
    expect(await ids('status=online')).toEqual(['a', 'auto-9']);
    expect(await ids('status=unknown')).toEqual(['b', 'c']);
    expect(await ids('kind=boiler')).toEqual(['a', 'b']);
    expect(await ids('tag=site:oslo')).toEqual(['b']);
    clock.advance(60_000);
    expect(await ids('status=offline')).toEqual(['a', 'auto-9']);
  });

  it.each([
    ['status=sleeping', 'status'],
    ['limit=0', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=abc', 'limit'],
    ['offset=-1', 'offset'],
    ['tag=site', 'tag'],
    ["tag=site:x'%20OR%201=1", 'tag'],
    ['unknown=1', 'is not a known field'],
  ])('refuses ?%s with 400', async (query, mention) => {
    const res = await app.inject({ method: 'GET', url: `/api/devices?${query}` });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toContain(mention);
  });
});

describe('/api/devices/:id', () => {
  beforeEach(() => {
    registry.register('d1', { name: 'One', tags: { site: 'lyon' }, expectedIntervalMs: 1_000 });
  });

  it('gets one device, 404 for an unknown one, 400 for an injection attempt', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/devices/d1' })).json()).toMatchObject({
      id: 'd1',
      name: 'One',
    });
    const missing = await app.inject({ method: 'GET', url: '/api/devices/ghost' });
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing).code).toBe('EDDY_DEVICE_NOT_FOUND');
    for (const id of ['d1%27%3B%20DROP%20TABLE%20devices%3B--', '..%2F..%2Fetc', '%00', 'x'.repeat(65)]) {
      const res = await app.inject({ method: 'GET', url: `/api/devices/${id}` });
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).message).toContain('path parameter "id"');
    }
  });

  it('PATCH changes the fields sent, null clears one', async () => {
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/devices/d1',
      payload: { name: null, kind: 'pump' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'd1',
      name: null,
      kind: 'pump',
      tags: { site: 'lyon' },
      expectedIntervalMs: 1_000,
    });
  });

  it('PATCH refuses an empty patch, wrong types, unknown devices', async () => {
    expect((await app.inject({ method: 'PATCH', url: '/api/devices/d1', payload: {} })).statusCode).toBe(400);
    const wrong = await app.inject({
      method: 'PATCH',
      url: '/api/devices/d1',
      payload: { expectedIntervalMs: 'soon' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(errorOf(wrong).message).toContain('expectedIntervalMs');
    const missing = await app.inject({ method: 'PATCH', url: '/api/devices/ghost', payload: { name: 'x' } });
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing).code).toBe('EDDY_DEVICE_NOT_FOUND');
  });

  it('POST credentials rotates the password', async () => {
    const res = await post('/api/devices/d1/credentials');
    expect(res.statusCode).toBe(200);
    const { credentials } = res.json() as { credentials: { username: string; password: string } };
    expect(await registry.verify('d1', credentials.password)).toBe(true);
    expect((await post('/api/devices/ghost/credentials')).statusCode).toBe(404);
  });

  it('DELETE removes the device (204), then 404', async () => {
    expect((await app.inject({ method: 'DELETE', url: '/api/devices/d1' })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/devices/d1' })).statusCode).toBe(404);
    const again = await app.inject({ method: 'DELETE', url: '/api/devices/d1' });
    expect(again.statusCode).toBe(404);
    expect(errorOf(again).code).toBe('EDDY_DEVICE_NOT_FOUND');
  });
});
