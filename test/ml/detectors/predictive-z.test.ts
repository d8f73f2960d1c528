import { describe, expect, it } from 'vitest';
import { predictiveDeviation, predictiveZ } from '../../../ml/detectors/predictive-z.ts';

describe('predictiveZ (a new value against n values, as the normal z of the same rarity)', () => {
  it('after 2 values is Cauchy: 3 std has the upper tail 1/6', () => {
    // t = 3 / sqrt(3) = sqrt(3); P(T1 > sqrt 3) = 1/2 - atan(sqrt 3)/pi = 1/6; Φ⁻¹(5/6) = 0.96742…
    expect(predictiveZ(3, 1, 2)).toBeCloseTo(0.967421566101701, 12);
  });

  it("after 10 values matches Student's t table: t(0.9995, 9 dof) = 4.781 is z 3.2905", () => {
    expect(predictiveZ(4.781 * Math.sqrt(11 / 9), 1, 10)).toBeCloseTo(3.2905, 3);
  });

  it('tends to the plain z as n grows', () => {
    expect(predictiveZ(3, 1, 1e7)).toBeCloseTo(3, 4);
    expect(predictiveZ(-5, 2, 1e7)).toBeCloseTo(2.5, 4);
  });

  it('follows the zero-spread conventions, and has nothing to say before 2 values', () => {
    expect(predictiveZ(0, 0, 10)).toBe(0);
    expect(predictiveZ(1, 0, 10)).toBe(Number.POSITIVE_INFINITY);
    expect(predictiveZ(1, 1, 1)).toBeNaN();
  });

  it('predictiveDeviation is its inverse', () => {
    for (const [z, std, n] of [
      [3, 1, 2],
      [5, 0.5, 10],
      [4.2, 3, 39],
    ] as const) {
      expect(predictiveZ(predictiveDeviation(z, std, n), std, n)).toBeCloseTo(z, 6);
    }
  });
});
