import { describe, expect, it } from 'vitest';
import {
  PassiveAggressiveRegressor,
  passiveAggressiveRegressorSpec,
} from '../../../ml/models/passive-aggressive-regressor.ts';
import { estimatorConformance, linearStream } from '../support/conformance.ts';

estimatorConformance(passiveAggressiveRegressorSpec, () => linearStream({ n: 200, noise: 0.1 }));

describe('PassiveAggressiveRegressor (PA-I, Crammer et al. 2006)', () => {
  it('takes one step by the paper: w += sign(y - ŷ) min(C, ℓ/||x||²) x', () => {
    const m = new PassiveAggressiveRegressor({ C: 0.5, epsilon: 0.1, intercept: false });
    m.learnOne({ a: 1, b: 2 }, 1); // ŷ = 0: ℓ = 0.9, ||x||² = 5, τ = min(0.5, 0.18) = 0.18
    expect(m.predictOne({ a: 1, b: 0 })).toBeCloseTo(0.18, 15);
    expect(m.predictOne({ a: 0, b: 1 })).toBeCloseTo(0.36, 15);
    // second step: ŷ = 0.18·3 + 0.36·(-1) = 0.18, y = -2: ℓ = 2.08, ||x||² = 10, τ = min(0.5, 0.208)
    m.learnOne({ a: 3, b: -1 }, -2);
    expect(m.predictOne({ a: 1, b: 0 })).toBeCloseTo(0.18 - 0.208 * 3, 15);
    expect(m.predictOne({ a: 0, b: 1 })).toBeCloseTo(0.36 + 0.208, 15);
  });

  it('caps the step at C', () => {
    const m = new PassiveAggressiveRegressor({ C: 0.1, epsilon: 0, intercept: false });
    m.learnOne({ a: 1 }, 10); // ℓ/||x||² = 10, τ = 0.1
    expect(m.predictOne({ a: 1 })).toBeCloseTo(0.1, 15);
  });

  it('is passive within epsilon', () => {
    const m = new PassiveAggressiveRegressor({ epsilon: 0.5 });
    m.learnOne({ a: 1 }, 0.4);
    expect(m.snapshot().state).toEqual({ unit: [[], 0] });
  });

  it('counts the intercept as a constant feature 1', () => {
    const m = new PassiveAggressiveRegressor({ C: 10, epsilon: 0, intercept: true });
    m.learnOne({ a: 1 }, 4); // ||(1, 1)||² = 2, τ = 2: w = 2, b = 2, then ŷ = y exactly
    expect(m.predictOne({ a: 1 })).toBeCloseTo(4, 15);
    expect(m.predictOne({ a: 0 })).toBeCloseTo(2, 15);
  });

  it('has the documented example', () => {
    const m = new PassiveAggressiveRegressor({ C: 1, epsilon: 0, intercept: false });
    m.learnOne({ a: 1, b: 1 }, 4);
    expect(m.predictOne({ a: 1, b: 1 })).toBe(2);
  });

  it('fits a noiseless linear stream', () => {
    const m = new PassiveAggressiveRegressor({ C: 1, epsilon: 0 });
    const stream = linearStream({ n: 3000 });
    for (const e of stream.slice(0, 2000)) m.learnOne(e.x, e.y as number);
    for (const e of stream.slice(2000))
      expect(Math.abs(m.predictOne(e.x) - (e.y as number))).toBeLessThan(1e-3);
  });
});
