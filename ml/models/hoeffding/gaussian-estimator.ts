/** A Gaussian's running statistics as JSON: `[weight, mean, m2]`. */
export type GaussianState = [weight: number, mean: number, m2: number];

/**
 * A weighted running Gaussian (West's weighted Welford update) with the sample variance
 * (`m2 / (weight − 1)`, River's `proba.Gaussian`): the per-class, per-feature estimator of a
 * Hoeffding tree's numeric splits and naive-Bayes leaves.
 *
 * @example
 * const g = new GaussianEstimator();
 * for (const x of [1, 2, 3]) g.update(x);
 * g.mean; // 2
 * g.variance(); // 1
 * g.cdf(2); // 0.5
 */
export class GaussianEstimator {
  constructor(
    public weight = 0,
    public mean = 0,
    public m2 = 0,
  ) {}

  update(x: number, w = 1): void {
    this.weight += w;
    const delta = x - this.mean;
    this.mean += (w * delta) / this.weight;
    this.m2 += w * delta * (x - this.mean);
  }

  /** Sample variance; 0 with a weight of 1 or less. */
  variance(): number {
    return this.weight > 1 ? this.m2 / (this.weight - 1) : 0;
  }

  /** Density at `x`; with no spread, 1 at the mean and 0 elsewhere (as River's). */
  pdf(x: number): number {
    const variance = this.variance();
    if (variance <= 0) return x === this.mean ? 1 : 0;
    const d = x - this.mean;
    return Math.exp((-d * d) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);
  }

  /** P(X ≤ x); with no spread, a step at the mean. */
  cdf(x: number): number {
    const sd = Math.sqrt(this.variance());
    if (sd <= 0) return x >= this.mean ? 1 : 0;
    return 0.5 * (1 + erf((x - this.mean) / (sd * Math.SQRT2)));
  }

  toJSON(): GaussianState {
    return [this.weight, this.mean, this.m2];
  }

  static fromJSON(state: GaussianState): GaussianEstimator {
    return new GaussianEstimator(state[0], state[1], state[2]);
  }
}

/**
 * The error function, from the complementary error function's Chebyshev fit in Numerical Recipes
 * (`erfcc`, fractional error below 1.2e-7 everywhere).
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}
