import { describe, expect, it } from 'vitest';
import { RecursiveLeastSquares } from '../../../../ml/models/lag/recursive-least-squares.ts';
import { createRandom } from '../../../../services/common/random.ts';
import { solve } from '../../support/least-squares.ts';

/** The closed form RLS tracks: w = (λⁿ I/δ + Σ λ^(n−i) x_i x_iᵀ)⁻¹ Σ λ^(n−i) x_i y_i. */
function weightedRidge(xs: number[][], ys: number[], lambda: number, delta: number): number[] {
  const d = xs[0]!.length;
  const n = xs.length;
  const a = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => (i === j ? lambda ** n / delta : 0)),
  );
  const b = new Array<number>(d).fill(0);
  xs.forEach((x, t) => {
    const weight = lambda ** (n - 1 - t);
    for (let i = 0; i < d; i++) {
      b[i]! += weight * x[i]! * ys[t]!;
      for (let j = 0; j < d; j++) a[i]![j]! += weight * x[i]! * x[j]!;
    }
  });
  return solve(a, b);
}

describe('RecursiveLeastSquares', () => {
  it('equals the (exponentially weighted) ridge closed form after every step', () => {
    for (const lambda of [1, 0.97]) {
      const random = createRandom(3);
      const rls = new RecursiveLeastSquares(3, { forgetting: lambda, delta: 10 });
      const xs: number[][] = [];
      const ys: number[] = [];
      for (let t = 0; t < 60; t++) {
        const x = [1, random.normal(), random.normal(0, 3)];
        const y = 2 - x[1]! + 0.5 * x[2]! + random.normal(0, 0.3);
        xs.push(x);
        ys.push(y);
        rls.update(x, y);
        if (t % 10 === 9) {
          const expected = weightedRidge(xs, ys, lambda, 10);
          rls.coefficients().forEach((w, i) => {
            expect(w).toBeCloseTo(expected[i]!, 8);
          });
        }
      }
    }
  });

  it('returns the a-priori error and keeps trace(P) bounded when the input stops varying', () => {
    const rls = new RecursiveLeastSquares(2, { forgetting: 0.9, delta: 100 });
    expect(rls.update([1, 2], 5)).toBe(5); // weights start at 0
    for (let t = 0; t < 5000; t++) rls.update([1, 0], 1);
    const { covariance } = rls.state();
    expect(covariance.every(Number.isFinite)).toBe(true);
    expect(covariance[0]! + covariance[3]!).toBeLessThanOrEqual(200 + 1e-9);
    expect(rls.predict([1, 0])).toBeCloseTo(1, 9);
  });

  it('restores its state exactly', () => {
    const a = new RecursiveLeastSquares(2, { forgetting: 0.99, delta: 5 });
    a.update([1, 3], 2);
    const b = new RecursiveLeastSquares(2, { forgetting: 0.99, delta: 5 });
    b.restore(JSON.parse(JSON.stringify(a.state())));
    a.update([2, -1], 1);
    b.update([2, -1], 1);
    expect(b.state()).toEqual(a.state());
    expect(() => b.restore({ weights: [0], covariance: [1] })).toThrow(/dimension/);
  });
});
