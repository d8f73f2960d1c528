import { describe, expect, it } from 'vitest';
import { createInfluxClient } from '../../../../services/connectors/influx/create-influx-client.ts';
import { parseInfluxUrl } from '../../../../services/connectors/influx/influx-url.ts';
import {
  windowAggregatePoints,
  windowAggregateSchema,
  windowAggregateToPoint,
} from '../../../../services/connectors/influx/window-agg-points.ts';
import type { WindowAggregate } from '../../../../services/domain/window-aggregate.ts';

/** A job file's window aggregate: fewer summary statistics (NaN), more aggregates (in extra). */
const agg: WindowAggregate = {
  device: 'press-7',
  metric: 'force',
  window: '1m/10s',
  start: 1_700_000_000_000,
  end: 1_700_000_060_000,
  count: 4,
  mean: 2.5,
  min: Number.NaN,
  max: Number.NaN,
  stddev: Number.NaN,
  extra: { sum: 10, first: 1, last: 4, p95: 3.9, 'p99.9': Number.NaN },
};

describe('window aggregates with the extra aggregates of a job file', () => {
  it('become extra fields; statistics not computed (NaN) are left out', () => {
    expect(windowAggregateToPoint(agg).fields).toEqual({
      count: 4,
      mean: 2.5,
      sum: 10,
      first: 1,
      last: 4,
      p95: 3.9,
    });
  });

  it('never replace the five fields of window_agg', () => {
    const clash = { ...agg, extra: { count: 99, mean: 99, sum: 1 } };
    expect(windowAggregateToPoint(clash).fields).toEqual({ count: 4, mean: 2.5, sum: 1 });
  });

  it('go to the measurement the job names', () => {
    expect(windowAggregatePoints('plant_agg')(agg)[0]?.measurement).toBe('plant_agg');
    expect(windowAggregatePoints()(agg)[0]?.measurement).toBe('window_agg');
  });

  it('are written by the influx client once the schema names them (count stays an integer)', () => {
    const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:8086/eddy'));
    expect(() => client.parsePoint(windowAggregateToPoint(agg, 'plant_agg'))).not.toThrow();
    expect(() => client.parsePoint(windowAggregateToPoint(agg))).toThrow(/Extraneous fields/);
    client.addSchema(
      windowAggregateSchema('eddy', 'window_agg', ['count', 'sum', 'first', 'last', 'p95', 'p99.9']),
    );
    const parsed = client.parsePoint(windowAggregateToPoint(agg), { precision: 'ms' });
    expect(parsed.fieldsPairs).toEqual([
      ['count', '4i'],
      ['first', '1'],
      ['last', '4'],
      ['mean', '2.5'],
      ['p95', '3.9'],
      ['sum', '10'],
    ]);
  });
});
