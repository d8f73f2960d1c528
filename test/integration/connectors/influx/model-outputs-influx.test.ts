import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ModelMetricsReport } from '../../../../ml/operators/model-outputs.ts';
import { createRandom } from '../../../../services/common/random.ts';
import { createInfluxClient } from '../../../../services/connectors/influx/create-influx-client.ts';
import { InfluxSink } from '../../../../services/connectors/influx/influx-sink.ts';
import { formatInfluxUrl, parseInfluxUrl } from '../../../../services/connectors/influx/influx-url.ts';
import { modelMetricsToPoints } from '../../../../services/connectors/influx/model-metrics-points.ts';
import { predictionToPoints } from '../../../../services/connectors/influx/prediction-points.ts';
import type { Prediction } from '../../../../services/domain/prediction.ts';
import { systemClock } from '../../../../services/engine/time/clock.ts';
import { influxCli } from '../../../support/influx-cli.ts';
import { dropDatabase, queryInflux, uniqueDatabase } from '../../../support/influx-query.ts';

/**
 * Predictions and model metrics through `InfluxSink` into a real influxd, read back with InfluxQL
 * and InfluxDB's own CLI: every field typed as the schema says, fields that were not finite left
 * out (null), each point at its record's time, and a replayed record overwriting its point.
 */

const T0 = 1_700_000_000_000;

function sinkFor<T>(url: string, toPoints: (record: T) => ReturnType<typeof predictionToPoints>) {
  const parsed = parseInfluxUrl(url);
  return new InfluxSink<T>({
    client: createInfluxClient(parsed, { requestTimeoutMs: 5_000 }),
    database: parsed.database,
    endpoint: formatInfluxUrl(parsed),
    toPoints,
    random: createRandom(1),
  });
}

describe('predictions and model_metrics in a real InfluxDB', () => {
  const influxUrl = inject('influxUrl');
  const database = uniqueDatabase('model_outputs');

  afterAll(async () => {
    await dropDatabase(influxUrl, database).catch(() => {});
  });

  it('writes predictions and reads them back exactly, an early one without its interval', async () => {
    const sink = sinkFor<Prediction>(`${influxUrl}/${database}`, predictionToPoints);
    await sink.open({ clock: systemClock });
    const predictions: Prediction[] = [];
    for (const device of ['boiler-1', 'pump.2']) {
      for (const [m, metric] of ['temperature', 'pressure'].entries()) {
        for (let i = 0; i < 5; i++) {
          const value = 20 + m * 1000 + i * 0.25;
          const expected = value - 0.125;
          const interval = i === 0 ? Number.NaN : 0.5 + i / 8;
          predictions.push({
            device,
            metric,
            model: 'forecast',
            ts: T0 + i * 1_000,
            value,
            expected,
            lower: expected - interval,
            upper: expected + interval,
          });
        }
      }
    }
    for (const p of predictions) sink.write(p, p.ts);
    sink.write({ ...predictions[1]!, expected: 99 }, predictions[1]!.ts); // a replay overwrites
    sink.write(predictions[1]!, predictions[1]!.ts);
    await sink.close();

    const rows = await queryInflux(
      influxUrl,
      database,
      'SELECT "value", "expected", "lower", "upper" FROM predictions GROUP BY "device", "metric", "model"',
    );
    const key = (r: { device?: unknown; metric?: unknown; time?: unknown; ts?: unknown }) =>
      `${r.device}|${r.metric}|${r.time ?? r.ts}`;
    expect(rows.map(key).sort()).toEqual(predictions.map(key).sort());
    for (const p of predictions) {
      const row = rows.find((r) => key(r) === key(p));
      expect(row).toEqual({
        device: p.device,
        metric: p.metric,
        model: 'forecast',
        time: p.ts,
        value: p.value,
        expected: p.expected,
        lower: Number.isNaN(p.lower) ? null : p.lower,
        upper: Number.isNaN(p.upper) ? null : p.upper,
      });
    }
    const fieldTypes = await queryInflux(influxUrl, database, 'SHOW FIELD KEYS FROM predictions');
    expect(fieldTypes.map((r) => [r.fieldKey, r.fieldType]).sort()).toEqual([
      ['expected', 'float'],
      ['lower', 'float'],
      ['upper', 'float'],
      ['value', 'float'],
    ]);
  });

  it('writes model metrics with integer count and version, one series per model, key and scope', async () => {
    const sink = sinkFor<ModelMetricsReport>(`${influxUrl}/${database}`, modelMetricsToPoints);
    await sink.open({ clock: systemClock });
    const reports: ModelMetricsReport[] = [
      {
        model: 'forecast',
        key: 'boiler-1/temperature',
        version: 1,
        ts: T0 + 60_000,
        scope: 'rolling',
        count: 60,
        metrics: { mae: 0.4, rmse: 0.5, r2: 0.9 },
      },
      {
        model: 'forecast',
        key: 'boiler-1/temperature',
        version: 2,
        ts: T0 + 120_000,
        scope: 'rolling',
        count: 120,
        metrics: { mae: 0.3, rmse: 0.45, r2: Number.NaN },
      },
      {
        model: 'forecast',
        key: 'boiler-1/temperature',
        version: 2,
        ts: T0 + 120_000,
        scope: 'cumulative',
        count: 120,
        metrics: { mae: 0.35, rmse: 0.47, r2: 0.91 },
      },
      {
        model: 'faults',
        key: '*',
        version: 7,
        ts: T0 + 120_000,
        scope: 'rolling',
        count: 1000,
        metrics: { accuracy: 0.97, log_loss: 0.1, f1: 0.8, roc_auc: 0.99 },
      },
    ];
    for (const r of reports) sink.write(r, r.ts);
    await sink.close();

    const rows = await queryInflux(
      influxUrl,
      database,
      'SELECT * FROM model_metrics GROUP BY "model", "key", "scope"',
    );
    expect(rows).toHaveLength(reports.length);
    // SELECT * has a column per field written to the measurement; a point without one reads null.
    const nulls = Object.fromEntries(
      reports.flatMap((r) => Object.keys(r.metrics)).map((name) => [name, null]),
    );
    for (const r of reports) {
      const row = rows.find(
        (x) => x.model === r.model && x.key === r.key && x.scope === r.scope && x.time === r.ts,
      );
      const metrics = Object.fromEntries(Object.entries(r.metrics).filter(([, v]) => Number.isFinite(v)));
      expect(row).toEqual({
        model: r.model,
        key: r.key,
        scope: r.scope,
        time: r.ts,
        count: r.count,
        version: r.version,
        ...nulls,
        ...metrics,
      });
    }
    const types = Object.fromEntries(
      (await queryInflux(influxUrl, database, 'SHOW FIELD KEYS FROM model_metrics')).map((r) => [
        r.fieldKey,
        r.fieldType,
      ]),
    );
    expect(types).toMatchObject({ count: 'integer', version: 'integer', mae: 'float', accuracy: 'float' });

    // As a user reads it with InfluxDB's CLI (`key` is an InfluxQL keyword: quoted).
    const cli = await influxCli(
      influxUrl,
      database,
      `SELECT "count", "mae" FROM model_metrics WHERE "key" = 'boiler-1/temperature' AND "scope" = 'rolling'`,
    );
    expect(cli.map((r) => [r.time, r.count, r.mae])).toEqual([
      [T0 + 60_000, 60, 0.4],
      [T0 + 120_000, 120, 0.3],
    ]);
  });
});
