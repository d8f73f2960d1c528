import { describe, expect, it } from 'vitest';
import {
  NAB_PROBATION_PERCENT,
  probationaryLength,
} from '../../../../ml/evaluation/nab/probationary-period.ts';
import { scaledSigmoid } from '../../../../ml/evaluation/nab/scaled-sigmoid.ts';

describe('scaledSigmoid', () => {
  it('has the values NAB documents in nab/sweeper.py', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
  });

  it('is 2·sigmoid(-5y) - 1 up to y = 3 and exactly -1 beyond', () => {
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    for (const y of [-3, -2, -0.75, -0.1, 0.3, 2.9, 3])
      expect(scaledSigmoid(y)).toBeCloseTo(2 * sigmoid(-5 * y) - 1, 12);
    expect(scaledSigmoid(3.0001)).toBe(-1);
    expect(scaledSigmoid(100)).toBe(-1);
  });
});

describe('probationaryLength', () => {
  it('is floor(15% of the records), at most 750 (NAB getProbationPeriod)', () => {
    expect(NAB_PROBATION_PERCENT).toBe(0.15);
    expect(probationaryLength(4032)).toBe(604);
    expect(probationaryLength(1882)).toBe(282);
    expect(probationaryLength(5000)).toBe(750);
    expect(probationaryLength(22695)).toBe(750);
    expect(probationaryLength(20)).toBe(3);
    expect(probationaryLength(6)).toBe(0);
    expect(probationaryLength(100, 0)).toBe(0);
  });
});
