/** Level, trend and seasonals (by phase `bucket mod m`) at the last bucket of the initialisation. */
export interface HoltWintersComponents {
  readonly level: number;
  readonly trend: number;
  readonly seasonals: number[];
}

/**
 * The initial state of additive Holt-Winters from the bucket means of its first `seasons` seasons
 * (`values[i]` is bucket `start + i`, `null` a gap; `values[0]` is observed). Per-season means M_j
 * give the trend b = (M_last − M_0) / ((last)·m) between the first and the last observed season (0
 * with one season); the level is M_0 (centred in its season) carried along the trend to the last
 * bucket `start + seasons·m − 1`; a phase's seasonal is the mean of its detrended values, all
 * centred to sum 0 over the observed phases (unobserved phases start at 0).
 *
 * @example
 * // y = 10 + i + [1, -1][i mod 2], two seasons of length 2:
 * holtWintersInitialState([11, 10, 13, 12], 0, 2, 2); // { level: 13, trend: 1, seasonals: [1, -1] }
 */
export function holtWintersInitialState(
  values: readonly (number | null)[],
  start: number,
  m: number,
  seasons: number,
): HoltWintersComponents {
  const seasonMean = (j: number): number | undefined => {
    let sum = 0;
    let count = 0;
    for (let i = j * m; i < (j + 1) * m && i < values.length; i++) {
      const v = values[i];
      if (v !== null && v !== undefined) {
        sum += v;
        count++;
      }
    }
    return count > 0 ? sum / count : undefined;
  };
  const first = seasonMean(0) ?? 0;
  let last = seasons - 1;
  while (last > 0 && seasonMean(last) === undefined) last--;
  const trend = last > 0 ? (seasonMean(last)! - first) / (last * m) : 0;
  const centre = (m - 1) / 2;
  const sums = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  values.forEach((v, i) => {
    if (v === null) return;
    const phase = (((start + i) % m) + m) % m;
    sums[phase]! += v - (first + trend * (i - centre));
    counts[phase]!++;
  });
  const means = sums.map((v, i) => (counts[i]! > 0 ? v / counts[i]! : 0));
  const observed = counts.filter((c) => c > 0).length;
  const offset = observed > 0 ? means.reduce((a, v) => a + v, 0) / observed : 0;
  return {
    level: first + trend * (seasons * m - 1 - centre),
    trend,
    seasonals: means.map((v, i) => (counts[i]! > 0 ? v - offset : 0)),
  };
}

/**
 * σ_h² / σ² of an h-step forecast of ETS(A,A,A) (additive Holt-Winters) with state-space smoothing
 * parameters α, β (= α·β* of the component form), γ and season length m. From the innovations form,
 * the h-step error is ε_{t+h} + Σ_{j=1}^{h−1} c_j ε_{t+h−j} with c_j = α + jβ + γ·[j mod m = 0], so
 * σ_h² = σ²(1 + Σ c_j²), whose closed form (Hyndman & Athanasopoulos, "Forecasting: Principles and
 * Practice", 3rd ed., §8.7, Table 8.8) with k = ⌊(h−1)/m⌋ is
 * σ²[1 + (h−1){α² + αβh + β²h(2h−1)/6} + γk{2α + γ + βm(k+1)}].
 *
 * @example
 * holtWintersVarianceFactor(1, 0.5, 0.1, 0.2, 24); // 1
 * holtWintersVarianceFactor(2, 0.5, 0.1, 0.2, 24); // 1 + (0.5 + 0.2)² = 1.49
 */
export function holtWintersVarianceFactor(
  h: number,
  alpha: number,
  beta: number,
  gamma: number,
  m: number,
): number {
  const k = Math.floor((h - 1) / m);
  return (
    1 +
    (h - 1) * (alpha * alpha + alpha * beta * h + (beta * beta * h * (2 * h - 1)) / 6) +
    gamma * k * (2 * alpha + gamma + beta * m * (k + 1))
  );
}
