import { describe, expect, it } from 'vitest';
import { chiSquareToZ, ratioScore, thresholdScore, zDistance } from '../../../ml/detectors/score-mapping.ts';

describe('score mapping', () => {
  it('thresholdScore is a logistic centred on the threshold, 1 for an infinite statistic, 0 for NaN', () => {
    expect(thresholdScore(3, 3)).toBe(0.5);
    expect(thresholdScore(4, 3)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(thresholdScore(0, 3)).toBeCloseTo(1 / (1 + Math.exp(6)), 15);
    expect(thresholdScore(Number.POSITIVE_INFINITY, 3)).toBe(1);
    expect(thresholdScore(Number.NaN, 3)).toBe(0);
    const stats = [0, 0.5, 1, 2, 2.9, 3, 3.1, 5, 8];
    const scores = stats.map((s) => thresholdScore(s, 3));
    expect([...scores].sort((a, b) => a - b)).toEqual(scores);
  });

  it('zDistance handles a zero spread', () => {
    expect(zDistance(-6, 2)).toBe(3);
    expect(zDistance(0, 0)).toBe(0);
    expect(zDistance(1, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('chiSquareToZ is Wilson–Hilferty: χ²₁ = 9 (z = 3) is about z 2.76', () => {
    expect(chiSquareToZ(9, 1)).toBeCloseTo((Math.cbrt(9) - (1 - 2 / 9)) / Math.sqrt(2 / 9), 12);
    expect(chiSquareToZ(9, 1)).toBeCloseTo(2.7626, 4);
    expect(chiSquareToZ(2, 2)).toBeCloseTo(1 / 3, 12);
  });

  it('ratioScore is 0.5 at the limit and 0.8 at twice it', () => {
    expect(ratioScore(0)).toBe(0);
    expect(ratioScore(1)).toBe(0.5);
    expect(ratioScore(2)).toBeCloseTo(0.8, 15);
    expect(ratioScore(Number.POSITIVE_INFINITY)).toBe(1);
  });
});
