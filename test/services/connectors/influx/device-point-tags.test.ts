import { describe, expect, it } from 'vitest';
import { anomalyPoints, anomalyToPoints } from '../../../../services/connectors/influx/anomaly-points.ts';
import { pointTags } from '../../../../services/connectors/influx/device-point-tags.ts';
import { lateReadingPoints } from '../../../../services/connectors/influx/late-reading-points.ts';
import { predictionPoints } from '../../../../services/connectors/influx/prediction-points.ts';
import {
  windowAggregatePoints,
  windowAggregateToPoint,
} from '../../../../services/connectors/influx/window-agg-points.ts';
import type { AnomalyEvent } from '../../../../services/domain/anomaly.ts';
import type { WindowAggregate } from '../../../../services/domain/window-aggregate.ts';

const registry: Record<string, Record<string, string>> = {
  'boiler-1': { site: 'lyon', floor: '2' },
  sneaky: { device: 'other', metric: 'x', mean: 'shadow', value: 'shadow', score: 'shadow', zone: 'z1' },
};
const tagsOf = (device: string) => registry[device] ?? {};

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
  reason: 'high',
};

describe('pointTags', () => {
  it("puts the device's tags after Eddy's own, in their order (the doc example)", () => {
    const tags = pointTags({ device: 'boiler-1', metric: 'temperature' }, () => ({
      site: 'lyon',
      device: 'x',
    }));
    expect(tags).toEqual({ device: 'boiler-1', metric: 'temperature', site: 'lyon' });
    expect(Object.keys(tags)).toEqual(['device', 'metric', 'site']);
    expect(pointTags({ device: 'boiler-1' }, undefined)).toEqual({ device: 'boiler-1' });
  });

  it('never lets a device tag replace one of Eddy’s tags or take a field’s name', () => {
    expect(pointTags({ device: 'sneaky', metric: 'm' }, tagsOf, new Set(['mean', 'value']))).toEqual({
      device: 'sneaky',
      metric: 'm',
      score: 'shadow',
      zone: 'z1',
    });
  });
});

describe('point mappers with device tags', () => {
  it('window aggregates carry their device’s tags after device, metric, window', () => {
    const point = windowAggregateToPoint(agg, 'window_agg', tagsOf);
    expect(point.tags).toEqual({
      device: 'boiler-1',
      metric: 'temperature',
      window: '10s',
      site: 'lyon',
      floor: '2',
    });
    expect(Object.keys(point.tags ?? {})).toEqual(['device', 'metric', 'window', 'site', 'floor']);
    expect(point.fields).toEqual(windowAggregateToPoint(agg).fields);
    expect(windowAggregatePoints('plant_agg', tagsOf)(agg)).toEqual([{ ...point, measurement: 'plant_agg' }]);
  });

  it('a window-aggregate tag named like a field (standard or extra) is left out', () => {
    const point = windowAggregateToPoint(
      { ...agg, device: 'sneaky', extra: { zone: 1 } },
      'window_agg',
      tagsOf,
    );
    expect(point.tags).toEqual({
      device: 'sneaky',
      metric: 'temperature',
      window: '10s',
      value: 'shadow',
      score: 'shadow',
    });
  });

  it('a device without tags, or unknown to the registry, keeps Eddy’s tags only', () => {
    expect(windowAggregateToPoint({ ...agg, device: 'new-1' }, 'window_agg', tagsOf).tags).toEqual({
      device: 'new-1',
      metric: 'temperature',
      window: '10s',
    });
  });

  it('late readings, predictions and anomalies carry their device’s tags', () => {
    const late = { device: 'boiler-1', metric: 'temperature', ts: 5, value: 1, window: '10s' };
    expect(lateReadingPoints(tagsOf)(late)[0]?.tags).toEqual({
      device: 'boiler-1',
      metric: 'temperature',
      window: '10s',
      site: 'lyon',
      floor: '2',
    });
    const prediction = {
      device: 'sneaky',
      metric: 't',
      model: 'forecast',
      ts: 5,
      value: 1,
      expected: 1,
      lower: 0,
      upper: 2,
    };
    expect(predictionPoints(tagsOf)(prediction)[0]?.tags).toEqual({
      device: 'sneaky',
      metric: 't',
      model: 'forecast',
      mean: 'shadow',
      score: 'shadow',
      zone: 'z1',
    });
    const [anomaly] = anomalyPoints(tagsOf)(event);
    expect(anomaly?.tags).toEqual({
      device: 'boiler-1',
      metric: 'temperature',
      detector: 'spikes',
      site: 'lyon',
      floor: '2',
    });
    expect(anomaly?.fields).toEqual(anomalyToPoints(event)[0]?.fields);
    expect(anomalyPoints(tagsOf)({ ...event, device: 'sneaky' })[0]?.tags).toEqual({
      device: 'sneaky',
      metric: 'temperature',
      detector: 'spikes',
      mean: 'shadow',
      zone: 'z1',
    });
  });

  it('without a lookup the mappers are unchanged', () => {
    expect(anomalyPoints()(event)).toEqual(anomalyToPoints(event));
  });
});
