import { describe, expect, it } from 'vitest';
import { holtWintersInitialState } from '../../../../ml/models/lag/holt-winters-equations.ts';
import { intervalZ, normalQuantile } from '../../../../ml/models/lag/normal-quantile.ts';
import { TimeBuckets } from '../../../../ml/models/lag/time-buckets.ts';
import { timeFeatures } from '../../../../ml/models/lag/time-features.ts';

describe('normalQuantile', () => {
  it('matches published values of Φ⁻¹', () => {
    // Φ⁻¹ values from the standard normal table (e.g. NIST/SEMATECH e-Handbook, 1.3.6.7.1).
    const table: [number, number][] = [
      [0.5, 0],
      [0.9, 1.2815515655446004],
      [0.95, 1.6448536269514722],
      [0.975, 1.959963984540054],
      [0.995, 2.5758293035489004],
      [0.001, -3.090232306167813],
      [1e-9, -5.997807015007686],
    ];
    for (const [p, q] of table) expect(normalQuantile(p)).toBeCloseTo(q, 7);
    expect(intervalZ(0.95)).toBeCloseTo(1.959963984540054, 8);
    expect(() => normalQuantile(1)).toThrow(RangeError);
    expect(() => intervalZ(0)).toThrow(/coverage/);
  });
});

describe('TimeBuckets', () => {
  it('averages a bucket, closes it on a later reading and drops late ones', () => {
    const grid = new TimeBuckets(60_000);
    expect(grid.add(1, 0)).toBeUndefined();
    expect(grid.add(3, 30_000)).toBeUndefined();
    expect(grid.add(5, 180_000)).toEqual({ bucket: 0, mean: 2 });
    expect(grid.add(100, 59_000)).toBeUndefined(); // late: bucket 0 is closed
    expect(grid.open).toEqual({ bucket: 3, sum: 5, count: 1 });
    expect(grid.bucketOf(-1)).toBe(-1);
    expect(() => grid.add(Number.NaN, 0)).toThrow(/finite/);
  });
});

describe('timeFeatures', () => {
  it('writes sin/cos of the time of day and Monday..Saturday indicators', () => {
    const out = new Array<number>(8).fill(9);
    timeFeatures(out, 0, Date.UTC(2024, 0, 1, 6), 0, true); // Monday 06:00 UTC
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(0, 12);
    expect(out.slice(2)).toEqual([1, 0, 0, 0, 0, 0]);
    timeFeatures(out, 0, Date.UTC(2024, 0, 6, 22), 120, true); // Saturday 22:00 UTC = Sunday 00:00 at +2 h
    expect(out[0]).toBeCloseTo(0, 12);
    expect(out[1]).toBeCloseTo(1, 12);
    expect(out.slice(2)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('holtWintersInitialState', () => {
  it('reads level, trend and season off two noiseless seasons', () => {
    expect(holtWintersInitialState([11, 10, 13, 12], 0, 2, 2)).toEqual({
      level: 13,
      trend: 1,
      seasonals: [1, -1],
    });
  });
});
