import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/api/build-app.ts';
import type { HistoryRow } from '../../../../services/api/history.ts';
import { LiveFeed } from '../../../../services/connectors/live/live-feed.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { fakeHistory } from '../fake-history.ts';
import { healthReport } from '../fixtures.ts';

const TOKEN = 'anomalies-test-token-0123456789';
const T0 = 1_700_000_000_000;
const NOW = T0 + 3_600_000;

const SPIKE: HistoryRow = {
  time: T0,
  device: 'boiler-1',
  metric: 'temperature',
  detector: 'spikes',
  score: 0.97,
  value: 31.2,
  expected: 21.4,
  lower: 19.9,
  upper: 22.9,
  reason: 'value 31.2 is 7.4 std above the mean 21.4',
};

describe('/api/anomalies', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function build(anomalies: HistoryRow[] = []) {
    const fake = fakeHistory({ anomalies });
    app = await buildApp({
      liveFeed: new LiveFeed(),
      health: () => healthReport(),
      history: fake.history,
      clock: new ManualClock(NOW),
      apiToken: TOKEN,
    });
    return fake;
  }

  const get = (query: string) => app!.inject({ method: 'GET', url: `/api/anomalies${query}` });
  const ack = (payload: unknown, token: string | null = TOKEN) =>
    app!.inject({
      method: 'POST',
      url: '/api/anomalies/ack',
      payload: payload as Record<string, unknown>,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });

  it('lists anomalies newest first with every filter bound as a parameter', async () => {
    const fake = await build([{ ...SPIKE, acknowledged: true, acknowledged_at: T0 + 5 }]);
    const res = await get(
      `?device=boiler-1&metric=temperature&detector=spikes&from=${T0}&to=2023-11-14T23:13:20Z&acknowledged=true&limit=5`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      anomalies: [
        {
          device: 'boiler-1',
          metric: 'temperature',
          detector: 'spikes',
          ts: T0,
          score: 0.97,
          value: 31.2,
          expected: 21.4,
          lower: 19.9,
          upper: 22.9,
          reason: 'value 31.2 is 7.4 std above the mean 21.4',
          acknowledged: true,
          acknowledgedAt: T0 + 5,
        },
      ],
    });
    expect(fake.queries).toEqual([
      {
        influxQL:
          'SELECT * FROM "anomalies" WHERE "device" = $device AND "metric" = $metric AND "detector" = $detector ' +
          'AND time >= $from AND time < $to AND "acknowledged" = true ORDER BY time DESC LIMIT 5',
        params: {
          device: 'boiler-1',
          metric: 'temperature',
          detector: 'spikes',
          from: '2023-11-14T22:13:20.000Z',
          to: '2023-11-14T23:13:20.000Z',
        },
      },
    ]);
  });

  it('lists everything (limit 100) without filters, and accepts a multivariate metric', async () => {
    const fake = await build([SPIKE]);
    expect((await get('')).json().anomalies).toHaveLength(1);
    expect(fake.queries[0]!.influxQL).toBe('SELECT * FROM "anomalies" ORDER BY time DESC LIMIT 100');
    expect((await get('?metric=temperature,pressure')).statusCode).toBe(200);
    expect(fake.queries[1]!.params).toEqual({ metric: 'temperature,pressure' });
  });

  it('filters out acknowledged anomalies for acknowledged=false', async () => {
    const fake = await build([
      { ...SPIKE, time: T0 + 2, acknowledged: true, acknowledged_at: NOW },
      { ...SPIKE, time: T0 + 1 },
      { ...SPIKE, time: T0 },
    ]);
    const res = await get('?acknowledged=false&limit=1');
    expect(res.json().anomalies.map((a: { ts: number }) => a.ts)).toEqual([T0 + 1]);
    expect(fake.queries).toHaveLength(1);
    expect(fake.queries[0]!.influxQL).toBe('SELECT * FROM "anomalies" ORDER BY time DESC LIMIT 1000');
  });

  it.each([
    ['an injection in device', "?device=x'%20OR%201=1", /query parameter "device" must match/],
    ['a regex in detector', '?detector=/.*/', /query parameter "detector" must match/],
    [
      'a statement in metric',
      '?metric=t;DROP%20MEASUREMENT%20anomalies',
      /query parameter "metric" must match/,
    ],
    ['a word for acknowledged', '?acknowledged=yes', /query parameter "acknowledged"/],
    ['a fractional limit', '?limit=1.5', /query parameter "limit" must be integer/],
    ['a limit over 1000', '?limit=1001', /query parameter "limit" must be <= 1000/],
    ['a reversed range', `?from=${T0}&to=${T0 - 1}`, /"from" .* must be before "to"/],
    ['a bad time', '?to=now()', /query parameter "to" must match/],
  ])('answers 400 to %s, asking InfluxDB nothing', async (_what, query, message) => {
    const fake = await build();
    const res = await get(query);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('EDDY_INVALID_REQUEST');
    expect(res.json().error.message).toMatch(message);
    expect(fake.queries).toEqual([]);
  });

  describe('POST /api/anomalies/ack', () => {
    const KEY = { device: 'boiler-1', metric: 'temperature', detector: 'spikes', ts: T0 };

    it("writes acknowledged=true and acknowledged_at onto the anomaly's own point", async () => {
      const fake = await build([SPIKE]);
      const res = await ack(KEY);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ ...KEY, score: 0.97, acknowledged: true, acknowledgedAt: NOW });
      expect(fake.queries[0]).toEqual({
        influxQL:
          'SELECT * FROM "anomalies" WHERE "device" = $device AND "metric" = $metric AND "detector" = $detector AND time = $ts',
        params: {
          device: 'boiler-1',
          metric: 'temperature',
          detector: 'spikes',
          ts: '2023-11-14T22:13:20.000Z',
        },
      });
      expect(fake.writes).toEqual([
        {
          measurement: 'anomalies',
          tags: { device: 'boiler-1', metric: 'temperature', detector: 'spikes' },
          fields: { acknowledged: true, acknowledged_at: NOW },
          timestamp: String(T0),
        },
      ]);
    });

    it("repeats the device's registry tags, so the acknowledgement lands on the anomaly's point", async () => {
      const fake = await build([{ ...SPIKE, site: 'lyon', line: '2', lower: null }]);
      expect((await ack(KEY)).statusCode).toBe(200);
      expect(fake.writes[0]?.tags).toEqual({
        device: 'boiler-1',
        metric: 'temperature',
        detector: 'spikes',
        site: 'lyon',
        line: '2',
      });
    });

    it('keeps the first acknowledgement when acknowledged again', async () => {
      const fake = await build([{ ...SPIKE, acknowledged: true, acknowledged_at: T0 + 9 }]);
      const res = await ack(KEY);
      expect(res.json()).toMatchObject({ acknowledged: true, acknowledgedAt: T0 + 9 });
      expect(fake.writes).toEqual([]);
    });

    it('answers 404 EDDY_ANOMALY_NOT_FOUND for an unknown anomaly, writing nothing', async () => {
      const fake = await build([]);
      const res = await ack(KEY);
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toEqual({
        code: 'EDDY_ANOMALY_NOT_FOUND',
        message:
          'No anomaly of detector "spikes" for boiler-1/temperature at 2023-11-14T22:13:20.000Z (1700000000000): ' +
          'take device, metric, detector and ts from GET /api/anomalies.',
      });
      expect(fake.writes).toEqual([]);
    });

    it('needs the bearer token', async () => {
      const fake = await build([SPIKE]);
      const res = await ack(KEY, null);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('EDDY_UNAUTHORIZED');
      expect((await ack(KEY, 'wrong-token-0123456789')).statusCode).toBe(401);
      expect(fake.queries).toEqual([]);
    });

    it.each([
      ['a missing ts', { device: 'd1', metric: 't', detector: 's' }, /body field "ts"/],
      ['a string ts', { ...KEY, ts: '1700000000000' }, /body field "ts" must be integer/],
      ['a fractional ts', { ...KEY, ts: 1.5 }, /body field "ts" must be integer/],
      ['an injection in device', { ...KEY, device: "d1' OR 1=1" }, /body field "device" must match/],
      ['an unknown field', { ...KEY, acknowledgedAt: 5 }, /body field "acknowledgedAt" is not a known field/],
    ])('answers 400 to %s', async (_what, payload, message) => {
      const fake = await build([SPIKE]);
      const res = await ack(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(message);
      expect(fake.queries).toEqual([]);
    });
  });
});
