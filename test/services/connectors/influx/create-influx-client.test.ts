import { describe, expect, it } from 'vitest';
import { createInfluxClient } from '../../../../services/connectors/influx/create-influx-client.ts';
import { eddyInfluxSchemas, WINDOW_AGG } from '../../../../services/connectors/influx/influx-schema.ts';
import { parseInfluxUrl } from '../../../../services/connectors/influx/influx-url.ts';
import { windowAggregateToPoint } from '../../../../services/connectors/influx/window-agg-points.ts';

const agg = {
  device: 'a b,c=d"e',
  metric: 'temperature',
  window: '10s',
  start: 1_700_000_000_000,
  end: 1_700_000_010_000,
  count: 3,
  mean: 21.5,
  min: 20,
  max: 23,
  stddev: 1.25,
};

describe('createInfluxClient', () => {
  it('writes count as an integer and the other fields as floats (schema registered)', () => {
    const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:1/plant'));
    const parsed = client.parsePoint(windowAggregateToPoint(agg), { precision: 'ms' });
    expect(parsed.fieldsPairs).toEqual([
      ['count', '3i'],
      ['max', '23'],
      ['mean', '21.5'],
      ['min', '20'],
      ['stddev', '1.25'],
    ]);
    expect(parsed.castedTimestamp).toBe('1700000000000');
  });

  it('refuses, before sending, a window_agg point with a field the schema does not know', () => {
    const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:1/plant'));
    const point = { ...windowAggregateToPoint(agg), fields: { count: 1, median: 2 } };
    expect(() => client.parsePoint(point)).toThrow(/Extraneous fields/);
  });
});

describe('eddyInfluxSchemas', () => {
  it('types every window_agg field and lists its tags, for the given database', () => {
    const [schema] = eddyInfluxSchemas('plant');
    expect(schema).toMatchObject({
      database: 'plant',
      measurement: WINDOW_AGG.measurement,
      tags: ['device', 'metric', 'window'],
    });
    expect(Object.keys(schema?.fields ?? {}).sort()).toEqual(['count', 'max', 'mean', 'min', 'stddev']);
  });
});
