import { describe, expect, it } from 'vitest';
import { MedianMad } from '../../../ml/detectors/median-mad.ts';
import { thresholdScore } from '../../../ml/detectors/score-mapping.ts';

function fed(values: number[], window = values.length): MedianMad {
  const d = new MedianMad({ window, warmup: 2 });
  values.forEach((value, i) => {
    d.learnOne({ value }, i);
  });
  return d;
}

describe('MedianMad (known answers)', () => {
  it('uses the median and MAD of known numbers: [1, 2, 3, 4, 100] is 3 with MAD 1', () => {
    const d = fed([1, 2, 3, 4, 100]);
    const e = d.explainOne({ value: 10 }, 5);
    expect(e.expected).toBe(3);
    expect(e.score).toBeCloseTo(thresholdScore(0.6745 * 7, 3.5), 12);
    expect(e.upper).toBeCloseTo(3 + (3.5 * 1) / 0.6745, 12);
    expect(e.reason).toBe('10 is 4.721 robust std from the median 3 (last 5 values)');
  });

  it('is not dragged by the outlier as a mean would be: 4 scores low next to 100', () => {
    expect(fed([1, 2, 3, 4, 100]).scoreOne({ value: 4 }, 5)).toBeLessThan(0.01);
  });

  it('falls back to the mean absolute deviation when the MAD is 0: [5, 5, 5, 5, 9]', () => {
    // median 5, MAD 0, mean |v - 5| = 0.8, scale 0.8 / 0.7979
    const d = fed([5, 5, 5, 5, 9]);
    expect(d.scoreOne({ value: 8 }, 5)).toBeCloseTo(thresholdScore(3 / (0.8 / 0.7979), 3.5), 12);
  });

  it('scores any other value 1 off a constant window, the constant near 0', () => {
    const d = fed([5, 5, 5]);
    expect(d.scoreOne({ value: 6 }, 3)).toBe(1);
    expect(d.scoreOne({ value: 5 }, 3)).toBe(thresholdScore(0, 3.5));
  });

  it('covers the last `window` values only', () => {
    const d = fed([1000, 1000, 1, 2, 3, 4, 5], 5);
    expect(d.explainOne({ value: 3 }, 7).expected).toBe(3);
  });
});
