import { describe, expect, it } from 'vitest';
import { RateOfChange } from '../../../ml/detectors/rate-of-change.ts';
import { thresholdScore } from '../../../ml/detectors/score-mapping.ts';

function fed(points: [number, number][]): RateOfChange {
  const d = new RateOfChange({ warmup: 2 });
  for (const [value, ts] of points) d.learnOne({ value }, ts);
  return d;
}

describe('RateOfChange (known answers)', () => {
  it('learns |Δx/Δt| per second: rates 1 and 2 are 1.5 ± 0.5, so a rate of 3 is at z = 3', () => {
    const d = fed([
      [0, 0],
      [1, 1000],
      [3, 2000],
    ]);
    expect(d.explainOne({ value: 6 }, 3000)).toEqual({
      score: 0.5,
      expected: 3,
      lower: 0,
      upper: 6,
      reason: 'changing 3/s against a usual 1.5/s ± 0.5',
    });
    // the same change over 2 s is a rate of 1.5: the usual one
    expect(d.scoreOne({ value: 6 }, 4000)).toBe(thresholdScore(0, 3));
    // a drop is as fast as a rise
    expect(d.scoreOne({ value: 0 }, 3000)).toBe(0.5);
  });

  it('is one-sided: slower than usual scores as usual', () => {
    const d = fed([
      [0, 0],
      [1, 1000],
      [3, 2000],
    ]);
    expect(d.scoreOne({ value: 3 }, 3000)).toBe(thresholdScore(0, 3));
  });

  it('has no rate for a record not later than the previous one: score 0, an earlier one is ignored', () => {
    const d = fed([
      [0, 0],
      [1, 1000],
      [3, 2000],
    ]);
    expect(d.scoreOne({ value: 100 }, 2000)).toBe(0);
    expect(d.scoreOne({ value: 100 }, 1500)).toBe(0);
    d.learnOne({ value: 100 }, 1500);
    expect(d.scoreOne({ value: 6 }, 3000)).toBe(0.5);
    d.learnOne({ value: 4 }, 2000); // same time: replaces the previous value
    expect(d.explainOne({ value: 7 }, 3000).expected).toBe(4);
  });
});
