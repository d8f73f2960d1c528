import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/api/build-app.ts';
import type { HistoryRow } from '../../../../services/api/history.ts';
import { LiveFeed } from '../../../../services/connectors/live/live-feed.ts';
import { DeviceRegistry } from '../../../../services/devices/device-registry.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { fakeHistory } from '../fake-history.ts';
import { healthReport } from '../fixtures.ts';

const T0 = 1_700_000_000_000;
const NOW = T0 + 3_600_000;

describe('GET /api/devices/:id/series', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function build(rows: Record<string, HistoryRow[]> = {}) {
    const fake = fakeHistory(rows);
    app = await buildApp({
      liveFeed: new LiveFeed(),
      health: () => healthReport(),
      history: fake.history,
      clock: new ManualClock(NOW),
    });
    return fake;
  }

  const get = (url: string) => app!.inject({ method: 'GET', url });

  it('answers the band, the forecast and the anomalies of one metric over the range', async () => {
    const fake = await build({
      window_agg: [
        { time: T0, min: 20, mean: 21, max: 22, count: 60 },
        { time: T0 + 60_000, min: 20.5, mean: null, max: 23, count: 30 },
      ],
      predictions: [
        { time: T0 + 60_000, model: 'forecast', value: 21, expected: 21.2, lower: 20, upper: 22.4 },
        { time: T0, model: 'forecast', value: 20.9, expected: 21, lower: 19.9, upper: 22 },
      ],
      anomalies: [
        { time: T0 + 90_000, detector: 'spikes', score: 0.9, value: 31, reason: 'high', acknowledged: true },
        { time: T0 + 30_000, detector: 'spikes', score: 0.8, value: 29, reason: 'high' },
      ],
    });
    const res = await get(
      `/api/devices/boiler-1/series?metric=temperature&from=${T0}&to=2023-11-14T22:23:20Z&every=1m`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      device: 'boiler-1',
      metric: 'temperature',
      from: T0,
      to: T0 + 600_000,
      every: '60000ms',
      band: [
        { ts: T0, min: 20, mean: 21, max: 22, count: 60 },
        { ts: T0 + 60_000, min: 20.5, mean: null, max: 23, count: 30 },
      ],
      forecast: [
        { ts: T0, model: 'forecast', value: 20.9, expected: 21, lower: 19.9, upper: 22 },
        { ts: T0 + 60_000, model: 'forecast', value: 21, expected: 21.2, lower: 20, upper: 22.4 },
      ],
      anomalies: [
        {
          ts: T0 + 30_000,
          detector: 'spikes',
          score: 0.8,
          value: 29,
          expected: null,
          lower: null,
          upper: null,
          reason: 'high',
          acknowledged: false,
        },
        {
          ts: T0 + 90_000,
          detector: 'spikes',
          score: 0.9,
          value: 31,
          expected: null,
          lower: null,
          upper: null,
          reason: 'high',
          acknowledged: true,
        },
      ],
    });
    expect(fake.queries).toHaveLength(3);
    for (const { influxQL, params } of fake.queries) {
      expect(params).toEqual({
        device: 'boiler-1',
        metric: 'temperature',
        from: '2023-11-14T22:13:20.000Z',
        to: '2023-11-14T22:23:20.000Z',
      });
      expect(influxQL).toContain('"device" = $device AND "metric" = $metric');
      expect(influxQL).toContain('time >= $from AND time < $to');
      expect(influxQL).not.toContain('boiler-1');
    }
    expect(fake.queries[0]!.influxQL).toBe(
      'SELECT min("min") AS "min", mean("mean") AS "mean", max("max") AS "max", sum("count") AS "count" ' +
        'FROM "window_agg" WHERE "device" = $device AND "metric" = $metric AND time >= $from AND time < $to ' +
        'GROUP BY time(60000ms) fill(none)',
    );
    expect(fake.queries[1]!.influxQL).toContain('GROUP BY time(60000ms), "model" fill(none)');
    expect(fake.queries[2]!.influxQL).toContain('ORDER BY time DESC LIMIT 1000');
  });

  it('defaults to the hour before now in about 360 buckets, and filters by window when asked', async () => {
    const fake = await build();
    const res = await get('/api/devices/boiler-1/series?metric=temperature&window=10s');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ from: NOW - 3_600_000, to: NOW, every: '10000ms', band: [] });
    expect(fake.queries[0]!.influxQL).toContain('AND "window" = $window AND');
    expect(fake.queries[0]!.params).toMatchObject({ window: '10s' });
  });

  it.each([
    ['no metric', '/api/devices/boiler-1/series', /query parameter "metric"/],
    [
      'a quote in the device id',
      "/api/devices/x'%20OR%201=1/series?metric=t",
      /path parameter "id" must match/,
    ],
    ['a regex in the device id', '/api/devices/.*/series?metric=t', /path parameter "id" must match/],
    ['an injection in the metric', "/api/devices/d1/series?metric=x'%20OR%201=1", /query parameter "metric"/],
    ['a statement in the metric', '/api/devices/d1/series?metric=t;DROP%20DATABASE%20eddy', /"metric"/],
    [
      'a word for a time',
      '/api/devices/d1/series?metric=t&from=yesterday',
      /query parameter "from" must match/,
    ],
    ['a time without zone', '/api/devices/d1/series?metric=t&from=2024-05-01T12:00:00', /"from" must match/],
    [
      'an impossible date',
      '/api/devices/d1/series?metric=t&from=2024-02-30T00:00:00Z',
      /"from" is not a valid time/,
    ],
    [
      'a reversed range',
      `/api/devices/d1/series?metric=t&from=${T0 + 1000}&to=${T0}`,
      /"from" .* must be before "to"/,
    ],
    ['an empty range', `/api/devices/d1/series?metric=t&from=${T0}&to=${T0}`, /must be before "to"/],
    ['a number for every', '/api/devices/d1/series?metric=t&every=10', /query parameter "every" must match/],
    ['an injection in every', '/api/devices/d1/series?metric=t&every=1m)%20fill(0', /"every" must match/],
    [
      'every below the floor',
      '/api/devices/d1/series?metric=t&every=500ms',
      /finer than the finest bucket, 1s/,
    ],
    [
      'too many buckets',
      `/api/devices/d1/series?metric=t&from=0&to=${86_400_000}&every=1s`,
      /makes 86400 buckets; at most 10000/,
    ],
    ['a range over 400 days', `/api/devices/d1/series?metric=t&from=0&to=${T0}`, /at most 400 days/],
    ['an unknown parameter', '/api/devices/d1/series?metric=t&limit=5', /"limit" is not a known field/],
  ])('answers 400 to %s, asking InfluxDB nothing', async (_what, url, message) => {
    const fake = await build();
    const res = await get(url);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('EDDY_INVALID_REQUEST');
    expect(res.json().error.message).toMatch(message);
    expect(fake.queries).toEqual([]);
  });

  it('answers 503 EDDY_HISTORY_UNAVAILABLE when InfluxDB fails', async () => {
    const fake = await build();
    fake.fail(new Error('connect ECONNREFUSED 127.0.0.1:8086'));
    const res = await get('/api/devices/d1/series?metric=t');
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toEqual({
      code: 'EDDY_HISTORY_UNAVAILABLE',
      message:
        'The history in InfluxDB is not available: connect ECONNREFUSED 127.0.0.1:8086. Check GET /api/health (influx) and retry.',
    });
  });

  describe('with the device registry', () => {
    let registry: DeviceRegistry | undefined;
    afterEach(() => {
      registry?.close();
      registry = undefined;
    });

    async function buildWithRegistry() {
      const fake = fakeHistory({ window_agg: [{ time: T0, min: 20, mean: 21, max: 22, count: 60 }] });
      registry = DeviceRegistry.open(':memory:', { clock: new ManualClock(NOW), flushIntervalMs: 0 });
      registry.register('boiler-1', { tags: { site: 'lyon' } });
      registry.seen('auto-1', NOW - 1_000); // appeared by itself, not flushed yet
      app = await buildApp({
        liveFeed: new LiveFeed(),
        health: () => healthReport(),
        history: fake.history,
        devices: registry,
        clock: new ManualClock(NOW),
      });
      return fake;
    }

    it('answers 404 EDDY_DEVICE_NOT_FOUND for a device the registry does not know, without asking InfluxDB', async () => {
      const fake = await buildWithRegistry();
      const res = await get(`/api/devices/ghost-7/series?metric=temperature&from=${T0}&to=${NOW}`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        error: {
          code: 'EDDY_DEVICE_NOT_FOUND',
          message: expect.stringContaining('"ghost-7"'),
        },
      });
      expect(fake.queries).toEqual([]);
    });

    it('answers registered devices and devices that appeared by themselves', async () => {
      const fake = await buildWithRegistry();
      expect(
        (await get(`/api/devices/boiler-1/series?metric=temperature&from=${T0}&to=${NOW}`)).statusCode,
      ).toBe(200);
      expect(
        (await get(`/api/devices/auto-1/series?metric=temperature&from=${T0}&to=${NOW}`)).statusCode,
      ).toBe(200);
      expect(fake.queries).toHaveLength(6);
    });

    it('still answers 400 for an id that is not a device id at all', async () => {
      await buildWithRegistry();
      const res = await get(`/api/devices/${encodeURIComponent('x" OR 1=1')}/series?metric=temperature`);
      expect(res.statusCode).toBe(400);
    });
  });
});
