import { describe, expect, it } from 'vitest';
import { createInfluxClient } from '../../../../services/connectors/influx/create-influx-client.ts';
import { PREDICTIONS } from '../../../../services/connectors/influx/influx-schema.ts';
import { parseInfluxUrl } from '../../../../services/connectors/influx/influx-url.ts';
import { predictionToPoints } from '../../../../services/connectors/influx/prediction-points.ts';
import type { Prediction } from '../../../../services/domain/prediction.ts';

const prediction: Prediction = {
  device: 'boiler-1',
  metric: 'temperature',
  model: 'forecast',
  ts: 1_700_000_000_000,
  value: 21.4,
  expected: 21.1,
  lower: 20.2,
  upper: 22,
};

describe('predictionToPoints', () => {
  it('maps a prediction to one point in predictions at the reading’s time (the doc example)', () => {
    expect(predictionToPoints(prediction)).toEqual([
      {
        measurement: 'predictions',
        tags: { device: 'boiler-1', metric: 'temperature', model: 'forecast' },
        fields: { value: 21.4, expected: 21.1, lower: 20.2, upper: 22 },
        timestamp: '1700000000000',
      },
    ]);
  });

  it('uses only names from the schema', () => {
    const [point] = predictionToPoints(prediction);
    expect(point?.measurement).toBe(PREDICTIONS.measurement);
    expect(Object.keys(point?.tags ?? {}).sort()).toEqual(Object.values(PREDICTIONS.tags).sort());
    expect(Object.keys(point?.fields ?? {}).sort()).toEqual(Object.values(PREDICTIONS.fields).sort());
  });

  it('leaves out fields line protocol cannot carry (no interval yet), and keeps epoch 0 at time 0', () => {
    const [point] = predictionToPoints({ ...prediction, ts: 0, lower: Number.NaN, upper: Number.NaN });
    expect(point?.fields).toEqual({ value: 21.4, expected: 21.1 });
    expect(point?.timestamp).toBe('0');
    expect(
      predictionToPoints({
        ...prediction,
        value: Number.NaN,
        expected: Number.NaN,
        lower: Number.NaN,
        upper: Number.NaN,
      }),
    ).toEqual([]);
  });

  it('is written as floats by a client with Eddy’s schema (whole numbers too)', () => {
    const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:1/eddy'));
    const [point] = predictionToPoints({ ...prediction, value: 21, ts: 1_700_000_000_123.9 });
    const parsed = client.parsePoint(point!, { precision: 'ms' });
    expect(parsed.fieldsPairs).toEqual([
      ['expected', '21.1'],
      ['lower', '20.2'],
      ['upper', '22'],
      ['value', '21'],
    ]);
    expect(parsed.castedTimestamp).toBe('1700000000123');
  });
});
