import { describe, expect, it } from 'vitest';
import { isDrawableAggregate, SeriesStore } from '../../../dashboards/src/live/series-store.ts';
import type { WindowAggregate } from '../../../services/domain/window-aggregate.ts';

function agg(overrides: Partial<WindowAggregate>): WindowAggregate {
  const start = overrides.start ?? 0;
  return {
    device: 'a',
    metric: 'temperature',
    window: '10s',
    start,
    end: start + 10_000,
    count: 1,
    mean: 1,
    min: 0,
    max: 2,
    stddev: 0,
    ...overrides,
  };
}

describe('SeriesStore', () => {
  it('groups by metric, then by device, sorted by name', () => {
    const store = new SeriesStore();
    store.add(agg({ device: 'b', metric: 'temperature' }));
    store.add(agg({ device: 'a', metric: 'temperature' }));
    store.add(agg({ device: 'a', metric: 'humidity' }));
    expect(store.metrics()).toEqual(['humidity', 'temperature']);
    expect(store.series('temperature').map((s) => s.name)).toEqual(['a', 'b']);
    expect(store.pointCount('temperature')).toBe(2);
    expect(store.series('unknown')).toEqual([]);
    expect(store.pointCount('unknown')).toBe(0);
  });

  it('keeps points sorted by window start, whatever the arrival order', () => {
    const store = new SeriesStore();
    for (const start of [20_000, 0, 30_000, 10_000]) store.add(agg({ start, mean: start / 10_000 }));
    expect(store.series('temperature')[0]?.points.map((p) => p.start)).toEqual([0, 10_000, 20_000, 30_000]);
  });

  it('replaces the point of a window that fires again', () => {
    const store = new SeriesStore();
    store.add(agg({ start: 0, mean: 1, count: 3 }));
    store.add(agg({ start: 10_000, mean: 2 }));
    store.add(agg({ start: 0, mean: 1.5, count: 4 }));
    const points = store.series('temperature')[0]?.points;
    expect(points?.map((p) => [p.start, p.mean, p.count])).toEqual([
      [0, 1.5, 4],
      [10_000, 2, 1],
    ]);
  });

  it('keeps only the newest maxPointsPerSeries points of each series', () => {
    const store = new SeriesStore(3);
    for (let i = 0; i < 10; i++) store.add(agg({ start: i * 10_000 }));
    store.add(agg({ start: 5_000 })); // older than everything kept: dropped at once
    store.add(agg({ device: 'b', start: 0 }));
    expect(store.series('temperature').map((s) => s.points.map((p) => p.start))).toEqual([
      [70_000, 80_000, 90_000],
      [0],
    ]);
    expect(store.pointCount('temperature')).toBe(4);
  });

  it('names series by device and window when a metric has several window sizes', () => {
    const store = new SeriesStore();
    store.add(agg({ device: 'a', window: '10s' }));
    store.add(agg({ device: 'a', window: '1m' }));
    expect(store.series('temperature').map((s) => s.name)).toEqual(['a (10s)', 'a (1m)']);
  });

  it('rejects a capacity below 1', () => {
    expect(() => new SeriesStore(0)).toThrow(RangeError);
  });
});

describe('isDrawableAggregate', () => {
  it('accepts a window aggregate and rejects anything else', () => {
    expect(isDrawableAggregate(agg({}))).toBe(true);
    expect(isDrawableAggregate(null)).toBe(false);
    expect(isDrawableAggregate('x')).toBe(false);
    expect(isDrawableAggregate({ ...agg({}), mean: 'NaN' })).toBe(false);
    expect(isDrawableAggregate({ ...agg({}), start: Number.NaN })).toBe(false);
    expect(isDrawableAggregate({ ...agg({}), device: 1 })).toBe(false);
  });
});
