import { describe, expect, it } from 'vitest';
import { squaredMahalanobis } from '../../../ml/detectors/mahalanobis-distance.ts';

describe('squaredMahalanobis', () => {
  it('is vᵀ S⁻¹ v: S = [[2, 1], [1, 2]] gives 2 across the correlation and 2/3 along it', () => {
    const s = Float64Array.of(2, 1, 1, 2);
    expect(squaredMahalanobis(s, 2, Float64Array.of(1, -1), 0)).toBeCloseTo(2, 12);
    expect(squaredMahalanobis(s, 2, Float64Array.of(1, 1), 0)).toBeCloseTo(2 / 3, 12);
  });

  it('adds a relative ridge: λ = ridge · trace / k', () => {
    // S = diag(1, 3): trace/k = 2, ridge 0.5: λ = 1, S + λI = diag(2, 4)
    expect(squaredMahalanobis(Float64Array.of(1, 0, 0, 3), 2, Float64Array.of(2, 2), 0.5)).toBeCloseTo(3, 12);
  });

  it('survives a singular covariance (jitter) and a zero one', () => {
    const singular = Float64Array.of(1, 1, 1, 1);
    const d2 = squaredMahalanobis(singular, 2, Float64Array.of(1, 1), 0);
    expect(Number.isFinite(d2)).toBe(true);
    expect(d2).toBeGreaterThan(0);
    expect(squaredMahalanobis(new Float64Array(4), 2, Float64Array.of(0, 0), 0)).toBe(0);
    expect(squaredMahalanobis(new Float64Array(4), 2, Float64Array.of(0, 1), 0)).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});
