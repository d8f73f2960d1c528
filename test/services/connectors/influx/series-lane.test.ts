import { describe, expect, it } from 'vitest';
import { laneIndex } from '../../../../services/connectors/influx/series-lane.ts';

describe('laneIndex', () => {
  it('puts a series (measurement and tags) always in the same lane, whatever its fields and time', () => {
    const a = { measurement: 'window_agg', tags: { device: 'd1', metric: 'temp' }, fields: { mean: 1 } };
    const lane = laneIndex(a, 4);
    expect(laneIndex({ ...a, fields: { mean: 2 }, timestamp: '5' }, 4)).toBe(lane);
    expect(laneIndex(a, 1)).toBe(0);
  });

  it('spreads series evenly over the lanes, and tells tag names from values', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4_000; i++) {
      counts[
        laneIndex({ measurement: 'predictions', tags: { key: `device-${i}/m${i % 10}` }, fields: {} }, 4)
      ]!++;
    }
    for (const n of counts) expect(n).toBeGreaterThan(850);
    const tags = (t: Record<string, string>) => laneIndex({ measurement: 'm', tags: t, fields: {} }, 1 << 16);
    expect(tags({ a: 'bc' })).not.toBe(tags({ ab: 'c' }));
  });
});
