/**
 * Count, mean and sum of squared deviations of a stream (Welford's algorithm), with `revert` to
 * take a value back out (for windows), as River's `stats.Var`.
 *
 * @example
 * const m = new RunningMoments();
 * [1, 2, 3, 4].forEach((v) => m.update(v));
 * m.mean; // 2.5
 * m.variance(1); // 1.6666666666666667 (sample variance)
 */
export class RunningMoments {
  n = 0;
  mean = 0;
  /** Sum of squared deviations from the mean. */
  m2 = 0;

  update(x: number): void {
    this.n += 1;
    const delta = x - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (x - this.mean);
  }

  /** Removes a value added before (the inverse of `update`). */
  revert(x: number): void {
    if (this.n <= 1) {
      this.n = 0;
      this.mean = 0;
      this.m2 = 0;
      return;
    }
    const delta = x - this.mean;
    this.n -= 1;
    this.mean -= delta / this.n;
    this.m2 = Math.max(0, this.m2 - delta * (x - this.mean));
  }

  /** Adds the values `other` holds (Chan et al.'s parallel update of the mean and `m2`). */
  merge(other: RunningMoments): void {
    if (other.n === 0) return;
    const n = this.n + other.n;
    const delta = other.mean - this.mean;
    this.m2 += other.m2 + (delta * delta * this.n * other.n) / n;
    this.mean += (delta * other.n) / n;
    this.n = n;
  }

  /** Variance with `ddof` delta degrees of freedom (0: population, 1: sample); 0 when undefined. */
  variance(ddof = 1): number {
    return this.n > ddof ? this.m2 / (this.n - ddof) : 0;
  }

  toJSON(): [number, number, number] {
    return [this.n, this.mean, this.m2];
  }

  static fromJSON(state: readonly number[]): RunningMoments {
    const m = new RunningMoments();
    m.n = state[0] ?? 0;
    m.mean = state[1] ?? 0;
    m.m2 = state[2] ?? 0;
    return m;
  }
}
