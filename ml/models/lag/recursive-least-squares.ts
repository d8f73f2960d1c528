/** JSON-safe state of a {@link RecursiveLeastSquares}: weights and the row-major inverse-covariance matrix. */
export interface RecursiveLeastSquaresState {
  readonly weights: number[];
  readonly covariance: number[];
}

/**
 * Recursive least squares with exponential forgetting (Haykin, "Adaptive Filter Theory", ch. 10):
 * after each `update(x, y)` the weights minimise `Σ λ^(n-i) (y_i − w·x_i)² + λ^n w·w / delta`,
 * i.e. ridge-regularised least squares in which older examples weigh less (`forgetting` λ = 1
 * keeps them all: exact least squares up to the vanishing prior).
 *
 *   k = P x / (λ + xᵀ P x),   w ← w + k (y − w·x),   P ← (P − k xᵀ P) / λ
 *
 * With λ < 1 and inputs that stop varying, P grows without bound ("covariance wind-up"): here the
 * division by λ is limited so that trace(P) never exceeds its initial value `delta · dimension`.
 *
 * @example
 * const rls = new RecursiveLeastSquares(2, { forgetting: 1, delta: 1e6 });
 * for (const [a, b] of [[1, 0], [0, 1], [1, 1]]) rls.update([a, b], 2 * a - b);
 * rls.predict([3, 1]); // ≈ 5
 */
export class RecursiveLeastSquares {
  private weights: Float64Array;
  private covariance: Float64Array;
  private readonly px: Float64Array;
  private readonly maxTrace: number;
  readonly forgetting: number;
  readonly delta: number;

  constructor(
    readonly dimension: number,
    options: { forgetting: number; delta: number },
  ) {
    if (!(Number.isInteger(dimension) && dimension > 0)) {
      throw new RangeError(`dimension must be a positive integer, got ${dimension}`);
    }
    if (!(options.forgetting > 0 && options.forgetting <= 1)) {
      throw new RangeError(`forgetting must be in (0, 1], got ${options.forgetting}`);
    }
    if (!(options.delta > 0 && Number.isFinite(options.delta))) {
      throw new RangeError(`delta must be a positive number, got ${options.delta}`);
    }
    this.forgetting = options.forgetting;
    this.delta = options.delta;
    this.maxTrace = options.delta * dimension;
    this.weights = new Float64Array(dimension);
    this.covariance = identityTimes(dimension, options.delta);
    this.px = new Float64Array(dimension);
  }

  /** w·x. */
  predict(x: ArrayLike<number>): number {
    let sum = 0;
    for (let i = 0; i < this.dimension; i++) sum += this.weights[i]! * x[i]!;
    return sum;
  }

  /** Learns one example; returns the a-priori error `y − w·x` (before the update). */
  update(x: ArrayLike<number>, y: number): number {
    const n = this.dimension;
    const P = this.covariance;
    const px = this.px;
    let denominator = this.forgetting;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += P[i * n + j]! * x[j]!;
      px[i] = s;
      denominator += x[i]! * s;
    }
    const error = y - this.predict(x);
    if (!(denominator > 0 && Number.isFinite(denominator))) return error;
    for (let i = 0; i < n; i++) this.weights[i]! += (px[i]! / denominator) * error;
    // P ← P − (P x)(P x)ᵀ / denominator, kept exactly symmetric, then the (bounded) forgetting.
    let trace = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = P[i * n + j]! - (px[i]! * px[j]!) / denominator;
        P[i * n + j] = v;
        P[j * n + i] = v;
      }
      trace += P[i * n + i]!;
    }
    const scale = Math.max(1, Math.min(1 / this.forgetting, this.maxTrace / trace));
    if (scale !== 1) for (let i = 0; i < n * n; i++) P[i]! *= scale;
    return error;
  }

  /** The current weights (a copy). */
  coefficients(): number[] {
    return [...this.weights];
  }

  state(): RecursiveLeastSquaresState {
    return { weights: [...this.weights], covariance: [...this.covariance] };
  }

  restore(state: RecursiveLeastSquaresState): void {
    const n = this.dimension;
    if (state.weights.length !== n || state.covariance.length !== n * n) {
      throw new Error(`recursive least squares: state is for another dimension than ${n}`);
    }
    this.weights = Float64Array.from(state.weights);
    this.covariance = Float64Array.from(state.covariance);
  }
}

function identityTimes(n: number, value: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = value;
  return m;
}
