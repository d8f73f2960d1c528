import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/api/build-app.ts';
import type { HistoryRow } from '../../../../services/api/history.ts';
import { LiveFeed } from '../../../../services/connectors/live/live-feed.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { fakeHistory } from '../fake-history.ts';
import { healthReport } from '../fixtures.ts';

const T0 = 1_700_000_000_000;
const NOW = T0 + 3_600_000;

describe('GET /api/models/:name/metrics', () => {
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

  it('answers the reports of one model, key and scope, oldest first, with their versions', async () => {
    const fake = await build({
      model_metrics: [
        // InfluxDB answers newest first (ORDER BY time DESC).
        {
          time: T0 + 120_000,
          model: 'forecast',
          key: 'boiler-1/temperature',
          scope: 'cumulative',
          count: 600,
          version: 4,
          mae: 0.4,
          rmse: 0.5,
          r2: 0.9,
          accuracy: null,
        },
        { time: T0 + 60_000, count: 500, version: 3, mae: 0.41, rmse: 0.55, r2: Number.NaN },
      ],
    });
    const res = await get(
      `/api/models/forecast/metrics?key=boiler-1/temperature&scope=cumulative&from=${T0}&to=2023-11-14T22:23:20Z`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      model: 'forecast',
      key: 'boiler-1/temperature',
      scope: 'cumulative',
      from: T0,
      to: T0 + 600_000,
      points: [
        { ts: T0 + 60_000, version: 3, count: 500, metrics: { mae: 0.41, rmse: 0.55 } },
        { ts: T0 + 120_000, version: 4, count: 600, metrics: { mae: 0.4, rmse: 0.5, r2: 0.9 } },
      ],
    });
    expect(fake.queries).toEqual([
      {
        influxQL:
          'SELECT * FROM "model_metrics" WHERE "model" = $model AND "key" = $key AND "scope" = $scope ' +
          'AND time >= $from AND time < $to ORDER BY time DESC LIMIT 2000',
        params: {
          model: 'forecast',
          key: 'boiler-1/temperature',
          scope: 'cumulative',
          from: '2023-11-14T22:13:20.000Z',
          to: '2023-11-14T22:23:20.000Z',
        },
      },
    ]);
  });

  it('defaults to the global key, the rolling scope and the hour before now', async () => {
    const fake = await build();
    const res = await get('/api/models/global-fit/metrics?limit=10');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      model: 'global-fit',
      key: '*',
      scope: 'rolling',
      from: NOW - 3_600_000,
      to: NOW,
      points: [],
    });
    expect(fake.queries[0]!.params).toMatchObject({ key: '*', scope: 'rolling' });
    expect(fake.queries[0]!.influxQL).toMatch(/LIMIT 10$/);
  });

  it.each([
    ["a quote in the model's name", "/api/models/x'%20OR%201=1/metrics", /path parameter "name" must match/],
    ['an injection in the key', "/api/models/m/metrics?key=a'%20OR%20'1'='1", /query parameter "key"/],
    ['a regex in the key', '/api/models/m/metrics?key=/.*/', /query parameter "key"/],
    ['an unknown scope', '/api/models/m/metrics?scope=forever', /query parameter "scope"/],
    ['a word for a time', '/api/models/m/metrics?from=yesterday', /query parameter "from" must match/],
    ['an impossible date', '/api/models/m/metrics?to=2024-02-30T00:00:00Z', /"to" is not a valid time/],
    ['a reversed range', `/api/models/m/metrics?from=${T0 + 1}&to=${T0}`, /"from" .* must be before "to"/],
    ['a range over 400 days', `/api/models/m/metrics?from=0&to=${T0}`, /at most 400 days/],
    ['a limit of 0', '/api/models/m/metrics?limit=0', /query parameter "limit"/],
    ['a limit too large', '/api/models/m/metrics?limit=10001', /query parameter "limit"/],
    ['an unknown parameter', '/api/models/m/metrics?every=1m', /"every" is not a known field/],
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
    const res = await get('/api/models/m/metrics');
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('EDDY_HISTORY_UNAVAILABLE');
  });

  it('is not served without a history (no InfluxDB)', async () => {
    app = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport() });
    const res = await get('/api/models/m/metrics');
    expect(res.statusCode).toBe(404);
  });
});
