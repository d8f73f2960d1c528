import { describe, expect, it } from 'vitest';
import { anomalyToPoints } from '../../../../services/connectors/influx/anomaly-points.ts';
import { createInfluxClient } from '../../../../services/connectors/influx/create-influx-client.ts';
import { ANOMALIES, eddyInfluxSchemas } from '../../../../services/connectors/influx/influx-schema.ts';
import { parseInfluxUrl } from '../../../../services/connectors/influx/influx-url.ts';
import type { AnomalyEvent } from '../../../../services/domain/anomaly.ts';

const event: AnomalyEvent = {
  device: 'boiler-1',
  metric: 'temperature',
  metrics: ['temperature'],
  ts: 1_700_000_000_000,
  score: 0.97,
  detector: 'spikes',
  value: 31.2,
  expected: 21.4,
  lower: 19.9,
  upper: 22.9,
  reason: 'value 31.2 is 7.4 std above the mean 21.4',
};

describe('anomalyToPoints', () => {
  it("maps an anomaly to one point in anomalies at the event's time (the doc example)", () => {
    expect(anomalyToPoints(event)).toEqual([
      {
        measurement: 'anomalies',
        tags: { device: 'boiler-1', metric: 'temperature', detector: 'spikes' },
        fields: {
          score: 0.97,
          value: 31.2,
          expected: 21.4,
          lower: 19.9,
          upper: 22.9,
          reason: 'value 31.2 is 7.4 std above the mean 21.4',
        },
        timestamp: '1700000000000',
      },
    ]);
  });

  it('uses only names from the schema, which Eddy registers', () => {
    const [point] = anomalyToPoints(event);
    expect(point?.measurement).toBe(ANOMALIES.measurement);
    expect(Object.keys(point?.tags ?? {}).sort()).toEqual(Object.values(ANOMALIES.tags).sort());
    expect(Object.keys(point?.fields ?? {}).sort()).toEqual(Object.values(ANOMALIES.fields).sort());
    expect(eddyInfluxSchemas('plant').find((s) => s.measurement === 'anomalies')).toMatchObject({
      tags: ['device', 'metric', 'detector'],
    });
  });

  it('leaves out numbers line protocol cannot carry (multivariate, silence), keeps the reason and epoch 0', () => {
    const [point] = anomalyToPoints({
      ...event,
      metric: 'temperature,humidity',
      metrics: ['temperature', 'humidity'],
      ts: 0,
      value: Number.NaN,
      expected: Number.NaN,
      lower: Number.NEGATIVE_INFINITY,
      upper: Number.NaN,
      reason: 'silent for 3 min',
    });
    expect(point?.tags).toEqual({ device: 'boiler-1', metric: 'temperature,humidity', detector: 'spikes' });
    expect(point?.fields).toEqual({ score: 0.97, reason: 'silent for 3 min' });
    expect(point?.timestamp).toBe('0');
  });

  it('is written with floats and an escaped string by a client with Eddy’s schema', () => {
    const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:1/eddy'));
    const [point] = anomalyToPoints({
      ...event,
      score: 1,
      reason: 'a "quoted" reason',
      ts: 1_700_000_000_123.9,
    });
    const parsed = client.parsePoint(point!, { precision: 'ms' });
    expect(parsed.fieldsPairs).toEqual([
      ['expected', '21.4'],
      ['lower', '19.9'],
      ['reason', '"a \\"quoted\\" reason"'],
      ['score', '1'],
      ['upper', '22.9'],
      ['value', '31.2'],
    ]);
    expect(parsed.castedTimestamp).toBe('1700000000123');
  });
});
