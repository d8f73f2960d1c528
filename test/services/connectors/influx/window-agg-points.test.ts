import { describe, expect, it } from 'vitest';
import { WINDOW_AGG } from '../../../../services/connectors/influx/influx-schema.ts';
import {
  WINDOW_AGG_MEASUREMENT,
  windowAggregateToPoint,
  windowAggregateToPoints,
} from '../../../../services/connectors/influx/window-agg-points.ts';
import type { WindowAggregate } from '../../../../services/domain/window-aggregate.ts';

const agg: WindowAggregate = {
  device: 'boiler-1',
  metric: 'temperature',
  window: '10s',
  start: 1_700_000_000_000,
  end: 1_700_000_010_000,
  count: 3,
  mean: 21,
  min: 20,
  max: 22,
  stddev: 0.8,
};

describe('windowAggregateToPoint', () => {
  it('maps tags, fields and the window start in ms', () => {
    expect(windowAggregateToPoint(agg)).toEqual({
      measurement: 'window_agg',
      tags: { device: 'boiler-1', metric: 'temperature', window: '10s' },
      fields: { count: 3, mean: 21, min: 20, max: 22, stddev: 0.8 },
      timestamp: '1700000000000',
    });
    expect(WINDOW_AGG_MEASUREMENT).toBe('window_agg');
  });

  it('uses only names from the schema', () => {
    const point = windowAggregateToPoint(agg);
    expect(point.measurement).toBe(WINDOW_AGG.measurement);
    expect(Object.keys(point.tags ?? {}).sort()).toEqual(Object.values(WINDOW_AGG.tags).sort());
    expect(Object.keys(point.fields ?? {}).sort()).toEqual(Object.values(WINDOW_AGG.fields).sort());
  });

  it('keeps a window that starts at epoch 0 at time 0', () => {
    expect(windowAggregateToPoint({ ...agg, start: 0, end: 10_000 }).timestamp).toBe('0');
  });

  it('leaves out float fields that line protocol cannot carry', () => {
    const point = windowAggregateToPoint({ ...agg, mean: Number.NaN, stddev: Number.POSITIVE_INFINITY });
    expect(point.fields).toEqual({ count: 3, min: 20, max: 22 });
  });

  it('is deterministic: the same aggregate always gives the same point (idempotent rewrites)', () => {
    expect(windowAggregateToPoint({ ...agg })).toEqual(windowAggregateToPoint(agg));
    expect(windowAggregateToPoints(agg)).toEqual([windowAggregateToPoint(agg)]);
  });
});
