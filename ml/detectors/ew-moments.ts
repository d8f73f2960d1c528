/**
 * Exponentially weighted mean and variance of a stream (West's / Finch's incremental form), with a
 * weight of `max(alpha, 1/n)` for the n-th value: until `1/alpha` values have been seen they are
 * exactly the running mean and population variance (no bias towards the first value), after that
 * they forget with half-life `ln 2 / alpha` values, so they follow drift.
 *
 *     a = max(alpha, 1/n);  d = x - mean;  mean += a·d;  variance = (1 - a)·(variance + a·d²)
 *
 * @example
 * const m = new EwMoments(0.1);
 * [1, 2, 3, 4].forEach((v) => m.update(v));
 * [m.mean, m.variance]; // [2.5, 1.25]  (exact: 4 values < 1/alpha)
 */
export class EwMoments {
  n = 0;
  mean = 0;
  variance = 0;

  constructor(readonly alpha: number) {
    if (!(alpha > 0 && alpha <= 1)) throw new Error(`alpha must be in (0, 1], got ${alpha}`);
  }

  update(x: number): void {
    this.n += 1;
    const a = Math.max(this.alpha, 1 / this.n);
    const d = x - this.mean;
    this.mean += a * d;
    this.variance = (1 - a) * (this.variance + a * d * d);
  }

  get std(): number {
    return Math.sqrt(this.variance);
  }

  /**
   * How many values the moments rest on: every one seen while they are the running moments, then
   * `(2 - alpha) / alpha`, the effective sample size of exponential weights (39 for 0.05).
   */
  get effectiveCount(): number {
    return Math.min(this.n, (2 - this.alpha) / this.alpha);
  }

  toJSON(): [number, number, number] {
    return [this.n, this.mean, this.variance];
  }

  static fromJSON(alpha: number, state: readonly number[]): EwMoments {
    const m = new EwMoments(alpha);
    m.n = state[0] ?? 0;
    m.mean = state[1] ?? 0;
    m.variance = state[2] ?? 0;
    return m;
  }
}
