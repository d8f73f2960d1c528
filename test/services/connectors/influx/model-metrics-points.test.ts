import { describe, expect, it } from 'vitest';
import type { ModelMetricsReport } from '../../../../ml/operators/model-outputs.ts';
import { createInfluxClient } from '../../../../services/connectors/influx/create-influx-client.ts';
import { MODEL_METRICS } from '../../../../services/connectors/influx/influx-schema.ts';
import { parseInfluxUrl } from '../../../../services/connectors/influx/influx-url.ts';
import { modelMetricsToPoints } from '../../../../services/connectors/influx/model-metrics-points.ts';

const report: ModelMetricsReport = {
  model: 'forecast',
  key: 'boiler-1/temperature',
  version: 3,
  ts: 1_700_000_060_000,
  scope: 'rolling',
  count: 500,
  metrics: { mae: 0.41, rmse: 0.55, r2: 0.93 },
};

describe('modelMetricsToPoints', () => {
  it('maps a report to one point in model_metrics at the report’s time (the doc example)', () => {
    expect(modelMetricsToPoints(report)).toEqual([
      {
        measurement: 'model_metrics',
        tags: { model: 'forecast', key: 'boiler-1/temperature', scope: 'rolling' },
        fields: { count: 500, version: 3, mae: 0.41, rmse: 0.55, r2: 0.93 },
        timestamp: '1700000060000',
      },
    ]);
  });

  it('names every metric of ml/evaluation as a field, and tags from the schema', () => {
    const metrics = { accuracy: 0.9, log_loss: 0.3, f1: 0.8, roc_auc: 0.95, inertia: 12 };
    const [point] = modelMetricsToPoints({ ...report, key: '*', scope: 'cumulative', metrics });
    expect(point?.fields).toEqual({ count: 500, version: 3, ...metrics });
    expect(Object.keys(point?.tags ?? {}).sort()).toEqual(Object.values(MODEL_METRICS.tags).sort());
    for (const name of Object.keys(point?.fields ?? {}))
      expect(Object.values(MODEL_METRICS.fields)).toContain(name);
  });

  it('leaves out metrics that are not finite or that the schema does not name, and keeps epoch 0', () => {
    const [point] = modelMetricsToPoints({
      ...report,
      ts: 0,
      metrics: { mae: 0.4, r2: Number.NaN, rmse: Number.POSITIVE_INFINITY, median_error: 0.1 },
    });
    expect(point?.fields).toEqual({ count: 500, version: 3, mae: 0.4 });
    expect(point?.timestamp).toBe('0');
  });

  it('is written with count and version as integers by a client with Eddy’s schema', () => {
    const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:1/eddy'));
    const [point] = modelMetricsToPoints({ ...report, metrics: { mae: 1, rmse: 0.55 } });
    expect(client.parsePoint(point!, { precision: 'ms' }).fieldsPairs).toEqual([
      ['count', '500i'],
      ['mae', '1'],
      ['rmse', '0.55'],
      ['version', '3i'],
    ]);
  });
});
