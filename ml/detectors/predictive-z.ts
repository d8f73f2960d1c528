import betainc from '@stdlib/math-base-special-betainc';
import erfcinv from '@stdlib/math-base-special-erfcinv';

/**
 * How unusual a new value is against the mean and (population) standard deviation of `n` values
 * before it, as the standard normal z with the same upper tail. A z from a mean and spread that
 * are themselves estimated from few values is heavy-tailed: with Gaussian data the new value's
 * `(x - mean) / (s * sqrt(1 + 1/n))` follows Student's t with `n - 1` degrees of freedom, so
 * `|x - mean| / std > 5` happens about 1 time in 700 after 10 values, not 1 in 1.7 million. This
 * converts it through t's exact tail (regularized incomplete beta) and the normal quantile, so a
 * threshold in standard deviations means the same false-alarm rate whatever `n`. As `n` grows
 * it tends to the plain z. `n` may be an effective sample size (exponentially weighted moments).
 * Zero spread follows {@link zDistance}'s conventions: 0 for no deviation, infinite otherwise.
 *
 * @example
 * predictiveZ(5, 1, 10);   // 3.19: five (population) std after 10 values is as rare as 3.2 normal std
 * predictiveZ(5, 1, 1000); // 4.96
 */
export function predictiveZ(deviation: number, std: number, n: number): number {
  const d = Math.abs(deviation);
  if (d === 0) return 0;
  if (!(std > 0)) return Number.POSITIVE_INFINITY;
  if (!(n >= 2)) return Number.NaN;
  const dof = n - 1;
  const t = d / (std * Math.sqrt((n + 1) / (n - 1)));
  const upperTail = 0.5 * betainc(dof / (dof + t * t), dof / 2, 0.5);
  return Math.SQRT2 * erfcinv(2 * upperTail);
}

/**
 * The deviation at which {@link predictiveZ} reaches `z` (the half-width of the band a detector
 * reports as `lower`/`upper`), found by bisection: called when an alert is explained, not per value.
 *
 * @example
 * predictiveDeviation(3.19, 1, 10); // ≈ 5
 */
export function predictiveDeviation(z: number, std: number, n: number): number {
  if (!(std > 0) || !(n >= 2)) return 0;
  let low = 0;
  let high = z * std;
  while (predictiveZ(high, std, n) < z) high *= 2;
  for (let i = 0; i < 60 && high - low > 1e-9 * high; i++) {
    const mid = (low + high) / 2;
    if (predictiveZ(mid, std, n) < z) low = mid;
    else high = mid;
  }
  return high;
}
