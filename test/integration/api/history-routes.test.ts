import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../../services/api/build-app.ts';
import { influxHistory } from '../../../services/api/history.ts';
import { anomalyToPoints } from '../../../services/connectors/influx/anomaly-points.ts';
import { createInfluxClient } from '../../../services/connectors/influx/create-influx-client.ts';
import { parseInfluxUrl } from '../../../services/connectors/influx/influx-url.ts';
import { predictionToPoints } from '../../../services/connectors/influx/prediction-points.ts';
import { windowAggregateToPoint } from '../../../services/connectors/influx/window-agg-points.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { healthReport, windowAggregate } from '../../services/api/fixtures.ts';
import { createDatabase, dropDatabase, queryInflux, uniqueDatabase } from '../../support/influx-query.ts';

/**
 * `/api/devices/:id/series` and `/api/anomalies` against a real influxd: points written as the
 * job's sinks write them, read back through the routes (bound parameters, bucketing, newest first),
 * an acknowledgement merged into the anomaly's own point, and injection attempts that find nothing.
 */

const T0 = 1_700_000_000_000;
const TOKEN = 'history-routes-token-0123456789';

describe('series and anomalies routes on a real InfluxDB', () => {
  const influxUrl = inject('influxUrl');
  const database = uniqueDatabase('history_routes');
  let app: FastifyInstance;

  beforeAll(async () => {
    await createDatabase(influxUrl, database);
    const client = createInfluxClient(parseInfluxUrl(`${influxUrl}/${database}`), {
      requestTimeoutMs: 5_000,
    });
    const history = influxHistory(client, database);
    const aggregates = [0, 10_000, 20_000, 30_000].flatMap((offset, i) => [
      windowAggregateToPoint(windowAggregate({ start: T0 + offset, mean: 20 + i, min: 19 + i, max: 21 + i })),
      windowAggregateToPoint(windowAggregate({ device: 'boiler-2', start: T0 + offset, mean: 99 })),
    ]);
    const predictions = [0, 10_000, 20_000, 30_000].flatMap((offset, i) =>
      predictionToPoints({
        device: 'boiler-1',
        metric: 'temperature',
        model: 'forecast',
        ts: T0 + offset,
        value: 20 + i,
        expected: 20.5 + i,
        lower: 19 + i,
        upper: 22 + i,
      }),
    );
    const anomaly = (ts: number, detector: string) =>
      anomalyToPoints({
        device: 'boiler-1',
        metric: 'temperature',
        metrics: ['temperature'],
        detector,
        ts,
        score: 0.9,
        value: 31,
        expected: 21,
        lower: 19,
        upper: 23,
        reason: `spike at ${ts}`,
      });
    await history.write([
      ...aggregates,
      ...predictions,
      ...anomaly(T0 + 5_000, 'spikes'),
      ...anomaly(T0 + 25_000, 'spikes'),
      ...anomaly(T0 + 25_000, 'drift'),
    ]);
    app = await buildApp({
      liveFeed: new LiveFeed(),
      health: () => healthReport(),
      history,
      clock: new ManualClock(T0 + 3_600_000),
      apiToken: TOKEN,
    });
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase(influxUrl, database).catch(() => {});
  });

  it('answers the band per bucket, the forecast and the anomalies of one series', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/devices/boiler-1/series?metric=temperature&from=${T0}&to=${T0 + 40_000}&every=20s`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // T0 is a multiple of 20 s, so the buckets start at T0 and T0 + 20 s; boiler-2 stays out.
    expect(body.band).toEqual([
      { ts: T0, min: 19, mean: 20.5, max: 22, count: 20 },
      { ts: T0 + 20_000, min: 21, mean: 22.5, max: 24, count: 20 },
    ]);
    expect(body.forecast).toEqual([
      { ts: T0, model: 'forecast', value: 20.5, expected: 21, lower: 19, upper: 23 },
      { ts: T0 + 20_000, model: 'forecast', value: 22.5, expected: 23, lower: 21, upper: 25 },
    ]);
    expect(body.anomalies.map((a: { ts: number; detector: string }) => [a.ts, a.detector])).toEqual([
      [T0 + 5_000, 'spikes'],
      [T0 + 25_000, 'drift'],
      [T0 + 25_000, 'spikes'],
    ]);
  });

  it('finds nothing for a device id that tries to widen the query', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/anomalies?from=${T0}&device=boiler-1%27%20OR%201%3D1`,
    });
    expect(res.statusCode).toBe(400);
    const other = await app.inject({ method: 'GET', url: `/api/anomalies?device=boiler-3&from=${T0}` });
    expect(other.json()).toEqual({ anomalies: [] });
  });

  it('lists anomalies newest first, acknowledges one on its own point, and filters by acknowledgement', async () => {
    const listed = await app.inject({ method: 'GET', url: '/api/anomalies?device=boiler-1&detector=spikes' });
    expect(listed.json().anomalies.map((a: { ts: number }) => a.ts)).toEqual([T0 + 25_000, T0 + 5_000]);

    const ack = await app.inject({
      method: 'POST',
      url: '/api/anomalies/ack',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { device: 'boiler-1', metric: 'temperature', detector: 'spikes', ts: T0 + 5_000 },
    });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({
      ts: T0 + 5_000,
      reason: `spike at ${T0 + 5_000}`,
      acknowledged: true,
    });

    const points = await queryInflux(
      influxUrl,
      database,
      `SELECT * FROM anomalies WHERE detector = 'spikes'`,
    );
    expect(points).toHaveLength(2);
    expect(points.find((p) => p.time === T0 + 5_000)).toMatchObject({
      score: 0.9,
      reason: `spike at ${T0 + 5_000}`,
      acknowledged: true,
      acknowledged_at: T0 + 3_600_000,
    });

    const acknowledged = await app.inject({ method: 'GET', url: '/api/anomalies?acknowledged=true' });
    expect(acknowledged.json().anomalies.map((a: { ts: number }) => a.ts)).toEqual([T0 + 5_000]);
    const open = await app.inject({ method: 'GET', url: '/api/anomalies?acknowledged=false' });
    expect(
      open
        .json()
        .anomalies.map((a: { detector: string }) => a.detector)
        .sort(),
    ).toEqual(['drift', 'spikes']);

    const missing = await app.inject({
      method: 'POST',
      url: '/api/anomalies/ack',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { device: 'boiler-1', metric: 'temperature', detector: 'spikes', ts: T0 + 1 },
    });
    expect(missing.statusCode).toBe(404);
    expect(await queryInflux(influxUrl, database, 'SELECT * FROM anomalies')).toHaveLength(3);
  });
});
