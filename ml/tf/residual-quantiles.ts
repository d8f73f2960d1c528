/** {@link ResidualQuantiles}' state, JSON-safe. */
export interface ResidualQuantilesState {
  readonly values: readonly number[];
  readonly head: number;
}

/**
 * The last `capacity` absolute residuals of a forecaster and their empirical quantiles, for
 * prediction intervals: the interval at coverage `c` is the point forecast ± the `c`-quantile of
 * |residual| (split conformal prediction over a sliding window).
 *
 * @example
 * const r = new ResidualQuantiles(100);
 * for (const e of [0.1, -0.3, 0.2, -0.4]) r.add(e);
 * r.quantile(0.5); // 0.25: the median of 0.1, 0.2, 0.3, 0.4 (linear interpolation)
 */
export class ResidualQuantiles {
  private values: number[] = [];
  private head = 0;
  private sorted: number[] | undefined;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`the residual window must be an integer >= 1, got ${capacity}`);
    }
  }

  get size(): number {
    return this.values.length;
  }

  add(residual: number): void {
    if (!Number.isFinite(residual)) return;
    const value = Math.abs(residual);
    if (this.values.length < this.capacity) this.values.push(value);
    else {
      this.values[this.head] = value;
      this.head = (this.head + 1) % this.capacity;
    }
    this.sorted = undefined;
  }

  /** The `p`-quantile (0..1) of the absolute residuals, linearly interpolated; 0 when empty. */
  quantile(p: number): number {
    if (this.values.length === 0) return 0;
    this.sorted ??= this.values.slice().sort((a, b) => a - b);
    const position = Math.min(Math.max(p, 0), 1) * (this.sorted.length - 1);
    const low = Math.floor(position);
    const high = Math.min(low + 1, this.sorted.length - 1);
    const a = this.sorted[low] ?? 0;
    const b = this.sorted[high] ?? 0;
    return a + (b - a) * (position - low);
  }

  state(): ResidualQuantilesState {
    return { values: this.values.slice(), head: this.head };
  }

  restore(state: ResidualQuantilesState): void {
    this.values = state.values.slice(0, this.capacity);
    this.head = state.head;
    this.sorted = undefined;
  }
}
