import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../services/api/build-app.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';
import { healthReport, windowAggregate } from './fixtures.ts';

const T0 = 1_700_000_000_000;

describe('GET /api/aggregates/recent', () => {
  const feed = new LiveFeed({ capacity: 100 });
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await buildApp({ liveFeed: feed, health: () => healthReport() });
    // seq 1..6: three windows × two devices of temperature, plus other event types and metrics.
    for (let i = 0; i < 3; i++) {
      feed.publish(
        'aggregate',
        windowAggregate({ device: 'boiler-1', start: T0 + i * 10_000, mean: 20 + i }),
      );
      feed.publish(
        'aggregate',
        windowAggregate({ device: 'boiler-2', start: T0 + i * 10_000, mean: 30 + i }),
      );
    }
    feed.publish('anomaly', { device: 'boiler-1', score: 0.99 }); // seq 7
    feed.publish('aggregate', windowAggregate({ device: 'boiler-1', metric: 'pressure', mean: 1.2 })); // seq 8
    feed.publish('aggregate', { unexpected: 'payload' }); // seq 9: not a WindowAggregate, skipped
  });
  afterAll(() => app.close());

  async function get(query: string) {
    return app.inject({ method: 'GET', url: `/api/aggregates/recent${query}` });
  }

  it('returns every aggregate still in the feed, oldest first, and the newest seq', async () => {
    const res = await get('');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.seq).toBe(9);
    expect(body.aggregates).toHaveLength(7);
    expect(body.aggregates[0]).toEqual(windowAggregate({ device: 'boiler-1', start: T0, mean: 20 }));
    expect(body.aggregates.map((a: { mean: number }) => a.mean)).toEqual([20, 30, 21, 31, 22, 32, 1.2]);
  });

  it('filters by device and by metric', async () => {
    const byDevice = (await get('?device=boiler-2')).json();
    expect(byDevice.aggregates.map((a: { mean: number }) => a.mean)).toEqual([30, 31, 32]);
    const byMetric = (await get('?metric=pressure')).json();
    expect(byMetric.aggregates).toEqual([
      windowAggregate({ device: 'boiler-1', metric: 'pressure', mean: 1.2 }),
    ]);
    const both = (await get('?device=boiler-1&metric=temperature')).json();
    expect(both.aggregates.map((a: { mean: number }) => a.mean)).toEqual([20, 21, 22]);
    const none = (await get('?device=nobody')).json();
    expect(none).toEqual({ seq: 9, aggregates: [] });
  });

  it('returns only events after `after`', async () => {
    const body = (await get('?after=4')).json();
    expect(body.seq).toBe(9);
    expect(body.aggregates.map((a: { mean: number }) => a.mean)).toEqual([22, 32, 1.2]);
    expect((await get('?after=9')).json()).toEqual({ seq: 9, aggregates: [] });
  });

  it('keeps the newest `limit` aggregates', async () => {
    const body = (await get('?metric=temperature&limit=2')).json();
    expect(body.aggregates.map((a: { mean: number }) => a.mean)).toEqual([22, 32]);
  });

  it('sends non-finite statistics as null and drops fields outside the schema', async () => {
    const feed2 = new LiveFeed();
    feed2.publish('aggregate', {
      ...windowAggregate(),
      stddev: Number.NaN,
      max: Number.POSITIVE_INFINITY,
      note: 'x',
    });
    const other = await buildApp({ liveFeed: feed2, health: () => healthReport() });
    const res = await other.inject({ method: 'GET', url: '/api/aggregates/recent' });
    expect(res.statusCode).toBe(200);
    expect(res.json().aggregates).toEqual([{ ...windowAggregate(), stddev: null, max: null }]);
    await other.close();
  });

  it('answers seq 0 and nothing on an empty feed', async () => {
    const empty = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport() });
    const res = await empty.inject({ method: 'GET', url: '/api/aggregates/recent?after=5' });
    expect(res.json()).toEqual({ seq: 0, aggregates: [] });
    await empty.close();
  });

  it.each([
    ['?limit=abc', /query parameter "limit" must be integer/],
    ['?limit=1.5', /query parameter "limit" must be integer/],
    ['?limit=1e3', /query parameter "limit" must be integer/],
    ['?limit=true', /query parameter "limit" must be integer/],
    ['?limit=', /query parameter "limit" must be integer/],
    ['?limit=0', /query parameter "limit" must be >= 1/],
    ['?limit=5001', /query parameter "limit" must be <= 5000/],
    ['?after=-1', /query parameter "after" must be >= 0/],
    ['?after=soon', /query parameter "after" must be integer/],
    [`?device=${encodeURIComponent('../../etc')}`, /query parameter "device" must match pattern/],
    [`?device=${encodeURIComponent("a' OR 1=1")}`, /query parameter "device" must match pattern/],
    [`?metric=${encodeURIComponent('temp;DROP')}`, /query parameter "metric" must match pattern/],
    ['?device=a&device=b', /query parameter "device" must be string/],
    [`?device=${'x'.repeat(65)}`, /query parameter "device" must match pattern/],
  ])('rejects %s with a 400 that says what is wrong', async (query, message) => {
    const res = await get(query);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toEqual({ error: { code: 'EDDY_INVALID_REQUEST', message: expect.any(String) } });
    expect(body.error.message).toMatch(/^Invalid request: /);
    expect(body.error.message).toMatch(message);
  });
});
