import { describe, expect, it } from 'vitest';
import { RollingZScore } from '../../../ml/detectors/rolling-z-score.ts';
import { thresholdScore } from '../../../ml/detectors/score-mapping.ts';

function fed(values: number[], params: ConstructorParameters<typeof RollingZScore>[0]): RollingZScore {
  const d = new RollingZScore(params);
  values.forEach((value, i) => {
    d.learnOne({ value }, i);
  });
  return d;
}

describe('RollingZScore (known answers)', () => {
  it('scores the z-score of a known window: [1..5], x = 6 gives z = 3 / √2.5', () => {
    const d = fed([1, 2, 3, 4, 5], { window: 5, warmup: 5 });
    const z = 3 / Math.sqrt(2.5); // sample std of 1..5 is √2.5
    const e = d.explainOne({ value: 6 }, 5);
    expect(e.score).toBeCloseTo(thresholdScore(z, 3), 12);
    expect(e.score).toBeCloseTo(0.0993, 4);
    expect(e.expected).toBe(3);
    expect(e.lower).toBeCloseTo(3 - 3 * Math.sqrt(2.5), 12);
    expect(e.upper).toBeCloseTo(3 + 3 * Math.sqrt(2.5), 12);
    expect(e.reason).toBe('6 is 1.897 std from the rolling mean 3 (last 5 values)');
  });

  it('covers only the last `window` values: after [100, 1, 2, 3] the window is 2 ± 1, so 5 is at z = 3', () => {
    const d = fed([100, 1, 2, 3], { window: 3, warmup: 3 });
    expect(d.scoreOne({ value: 5 }, 4)).toBeCloseTo(0.5, 12);
    expect(d.scoreOne({ value: -1 }, 4)).toBeCloseTo(0.5, 12);
  });

  it('scores 0 until `warmup` values are learned, and reads only its feature', () => {
    const d = new RollingZScore({ window: 10, warmup: 4, feature: 'temperature' });
    [1, 2, 3].forEach((temperature, i) => {
      d.learnOne({ temperature, value: 0 }, i);
    });
    expect(d.scoreOne({ temperature: 100 }, 3)).toBe(0);
    d.learnOne({ temperature: 4 }, 3);
    d.learnOne({ humidity: 1000 }, 4);
    expect(d.scoreOne({ temperature: 100 }, 5)).toBeGreaterThan(0.99);
    expect(d.scoreOne({ humidity: 100 }, 5)).toBe(0);
    expect(d.explainOne({ humidity: 100 }, 5).reason).toBe('no value for temperature');
  });

  it('scores a value off a constant window 1 and the constant itself near 0', () => {
    const d = fed([7, 7, 7, 7], { window: 4, warmup: 2 });
    expect(d.scoreOne({ value: 7.001 }, 4)).toBe(1);
    expect(d.scoreOne({ value: 7 }, 4)).toBe(thresholdScore(0, 3));
  });

  it('refuses a window below 2, naming it', () => {
    expect(() => new RollingZScore({ window: 1 })).toThrow(
      'rolling-z-score: window must be an integer >= 2, got 1',
    );
  });
});
