/**
 * How far past its threshold a statistic must go for the score to move from 0.5 to ~0.88: the
 * width of the logistic in {@link thresholdScore} (in the statistic's units, e.g. standard
 * deviations). Half a unit makes the score sharp around the threshold yet still ordered below it.
 */
export const SCORE_SOFTNESS = 0.5;

/**
 * Maps a statistic (a z-like distance: 0 = typical, larger = stranger) to a score in [0, 1] with a
 * logistic centred on the threshold: `1 / (1 + exp(-(stat - threshold) / SCORE_SOFTNESS))`.
 *
 * Why this shape: it is monotone (ranking, hence ROC AUC, is that of the statistic itself); the
 * score is exactly 0.5 at the threshold, so "score >= 0.5" means "beyond the detector's
 * threshold" whatever the detector; typical values (stat near 0 with threshold 3) score ~0.0025,
 * not a hard 0, so they still rank among themselves. An infinite statistic (a deviation where the
 * spread is 0) scores 1; NaN (nothing to judge) scores 0.
 *
 * @example
 * thresholdScore(3, 3); // 0.5
 * thresholdScore(4, 3); // 0.8807970779778823
 * thresholdScore(0, 3); // 0.0024726231566347743
 */
export function thresholdScore(stat: number, threshold: number): number {
  if (Number.isNaN(stat)) return 0;
  if (stat === Number.POSITIVE_INFINITY) return 1;
  return 1 / (1 + Math.exp(-(stat - threshold) / SCORE_SOFTNESS));
}

/**
 * `|deviation| / spread`, with the conventions of a zero spread: 0 for no deviation, infinite for
 * any (a value off a constant signal is as unusual as it gets).
 *
 * @example
 * zDistance(6, 2); // 3
 * zDistance(0, 0); // 0
 * zDistance(1, 0); // Infinity
 */
export function zDistance(deviation: number, spread: number): number {
  const d = Math.abs(deviation);
  if (d === 0) return 0;
  return spread > 0 ? d / spread : Number.POSITIVE_INFINITY;
}

/**
 * A chi-square statistic with `dof` degrees of freedom (a squared Mahalanobis distance) as an
 * approximately standard normal z (Wilson–Hilferty), so one threshold in standard deviations means
 * the same whatever the number of metrics: `((q/dof)^(1/3) - (1 - 2/(9 dof))) / sqrt(2/(9 dof))`.
 *
 * @example
 * chiSquareToZ(9, 1); // 2.7625...  (P(χ²₁ > 9) = 0.0027 ≈ P(Z > 2.78))
 * chiSquareToZ(2, 2); // 0.3333  (D² = 2 is the mean of χ²₂: a little above its median)
 */
export function chiSquareToZ(q: number, dof: number): number {
  if (q === Number.POSITIVE_INFINITY) return q;
  const v = 2 / (9 * dof);
  return (Math.cbrt(q / dof) - (1 - v)) / Math.sqrt(v);
}

/**
 * A ratio to a limit (1 = at the limit) as a score in [0, 1): `r² / (1 + r²)`. Monotone, 0.5 at the
 * limit, 0.8 at twice the limit, 0.2 at half of it; used where the statistic is a length (how long
 * a flatline has lasted) rather than a distance.
 *
 * @example
 * ratioScore(1); // 0.5
 * ratioScore(2); // 0.8
 */
export function ratioScore(r: number): number {
  if (r === Number.POSITIVE_INFINITY) return 1;
  const r2 = r * r;
  return r2 / (1 + r2);
}
