/** {@link RunningMoments}' state, JSON-safe. */
export interface RunningMomentsState {
  readonly count: readonly number[];
  readonly mean: readonly number[];
  readonly m2: readonly number[];
}

/**
 * Running mean and variance per position (Welford's algorithm), used to standardise a network's
 * inputs or targets as they stream: values are stored raw and standardised with the statistics
 * current when a batch is built. A position with fewer than 2 values, or no spread, has scale 1.
 *
 * @example
 * const m = new RunningMoments(1);
 * for (const v of [1, 2, 3]) m.update([v]);
 * m.standardise([3]); // [1.2247...]: (3 - 2) / sqrt(2 / 3)
 */
export class RunningMoments {
  private count: number[];
  private mean: number[];
  private m2: number[];

  constructor(readonly width: number) {
    this.count = new Array<number>(width).fill(0);
    this.mean = new Array<number>(width).fill(0);
    this.m2 = new Array<number>(width).fill(0);
  }

  /** Adds one vector; `present[i] === false` skips position i (a missing feature). */
  update(values: readonly number[], present?: readonly boolean[]): void {
    for (let i = 0; i < this.width; i++) {
      if (present && !present[i]) continue;
      const value = values[i] ?? 0;
      const n = (this.count[i] ?? 0) + 1;
      const delta = value - (this.mean[i] ?? 0);
      const mean = (this.mean[i] ?? 0) + delta / n;
      this.count[i] = n;
      this.mean[i] = mean;
      this.m2[i] = (this.m2[i] ?? 0) + delta * (value - mean);
    }
  }

  meanAt(i: number): number {
    return this.mean[i] ?? 0;
  }

  /** Population standard deviation at `i`, or 1 when undefined or zero. */
  scaleAt(i: number): number {
    const n = this.count[i] ?? 0;
    const sd = n >= 2 ? Math.sqrt((this.m2[i] ?? 0) / n) : 0;
    return sd > 1e-12 ? sd : 1;
  }

  standardise(values: readonly number[]): number[] {
    return values.map((v, i) => (v - this.meanAt(i)) / this.scaleAt(i));
  }

  unstandardise(values: readonly number[]): number[] {
    return values.map((v, i) => v * this.scaleAt(i) + this.meanAt(i));
  }

  state(): RunningMomentsState {
    return { count: this.count.slice(), mean: this.mean.slice(), m2: this.m2.slice() };
  }

  restore(state: RunningMomentsState): void {
    if (state.mean.length !== this.width) {
      throw new RangeError(`running moments of width ${state.mean.length} do not fit width ${this.width}`);
    }
    this.count = state.count.slice();
    this.mean = state.mean.slice();
    this.m2 = state.m2.slice();
  }
}
