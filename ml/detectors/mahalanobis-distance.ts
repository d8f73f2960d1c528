/** How many times the jitter grows tenfold before falling back to the diagonal. */
const MAX_JITTER_STEPS = 10;

/**
 * The squared Mahalanobis distance `vᵀ (S + λI)⁻¹ v` of a deviation `v` under a covariance `S`
 * (k×k, row-major), regularised with a ridge `λ = ridge · trace(S) / k` (relative, so unit-free).
 * Through a Cholesky factorisation, O(k³). Should `S + λI` still not be positive definite (pairs of
 * features learned from different records), λ grows tenfold (at least to 1e-9·trace/k) until it
 * is, and after ten tries only the diagonal is used. A covariance of zeros gives 0 for a zero
 * deviation and Infinity for any other (a value off a constant signal).
 *
 * @example
 * squaredMahalanobis(Float64Array.of(2, 1, 1, 2), 2, Float64Array.of(1, -1), 0);
 * // 2  (the inverse is [[2, -1], [-1, 2]] / 3; along the correlation, (1, 1) gives 2/3)
 */
export function squaredMahalanobis(
  cov: Float64Array,
  k: number,
  deviation: Float64Array,
  ridge: number,
): number {
  let trace = 0;
  for (let i = 0; i < k; i++) trace += cov[i * k + i]!;
  if (!(trace > 0)) return deviation.every((v) => v === 0) ? 0 : Number.POSITIVE_INFINITY;
  const scale = trace / k;
  let jitter = ridge * scale;
  const factor = new Float64Array(k * k);
  for (let step = 0; step <= MAX_JITTER_STEPS; step++) {
    if (cholesky(cov, k, jitter, factor)) return squaredNormOfSolve(factor, k, deviation);
    jitter = Math.max(jitter * 10, 1e-9 * scale);
  }
  let sum = 0;
  for (let i = 0; i < k; i++) sum += deviation[i]! ** 2 / (Math.max(0, cov[i * k + i]!) + jitter);
  return sum;
}

/**
 * Lower-triangular `L` with `L Lᵀ = A + jitter·I` into `out`; false when that is not (numerically)
 * positive definite.
 */
function cholesky(a: Float64Array, k: number, jitter: number, out: Float64Array): boolean {
  out.fill(0);
  for (let j = 0; j < k; j++) {
    let diagonal = a[j * k + j]! + jitter;
    for (let m = 0; m < j; m++) diagonal -= out[j * k + m]! ** 2;
    if (!(diagonal > 0) || !Number.isFinite(diagonal)) return false;
    const ljj = Math.sqrt(diagonal);
    out[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j]!;
      for (let m = 0; m < j; m++) s -= out[i * k + m]! * out[j * k + m]!;
      out[i * k + j] = s / ljj;
    }
  }
  return true;
}

/** `|L⁻¹ v|²` by forward substitution: equals `vᵀ A⁻¹ v` for `A = L Lᵀ`. */
function squaredNormOfSolve(l: Float64Array, k: number, v: Float64Array): number {
  const y = new Float64Array(k);
  let sum = 0;
  for (let i = 0; i < k; i++) {
    let s = v[i]!;
    for (let m = 0; m < i; m++) s -= l[i * k + m]! * y[m]!;
    y[i] = s / l[i * k + i]!;
    sum += y[i]! ** 2;
  }
  return sum;
}
