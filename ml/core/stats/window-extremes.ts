import { ValueWindow } from './value-window.ts';

/**
 * Minimum and maximum of the last `size` values, O(1) amortised per value (monotonic deques).
 *
 * @example
 * const w = new WindowExtremes(2);
 * [5, 1, 3].forEach((v) => w.push(v));
 * [w.min, w.max]; // [1, 3]
 */
export class WindowExtremes {
  private readonly window: ValueWindow;
  private seq = 0;
  /** Candidates for the minimum: increasing values, as [sequence number, value]. */
  private readonly mins: [number, number][] = [];
  /** Candidates for the maximum: decreasing values. */
  private readonly maxs: [number, number][] = [];

  constructor(readonly size: number) {
    this.window = new ValueWindow(size);
  }

  push(x: number): void {
    this.window.push(x);
    const seq = this.seq++;
    const oldest = seq - this.size;
    while (this.mins.length > 0 && this.mins[this.mins.length - 1]![1] >= x) this.mins.pop();
    while (this.maxs.length > 0 && this.maxs[this.maxs.length - 1]![1] <= x) this.maxs.pop();
    this.mins.push([seq, x]);
    this.maxs.push([seq, x]);
    while (this.mins[0]![0] <= oldest) this.mins.shift();
    while (this.maxs[0]![0] <= oldest) this.maxs.shift();
  }

  /** Undefined while empty. */
  get min(): number | undefined {
    return this.mins[0]?.[1];
  }

  get max(): number | undefined {
    return this.maxs[0]?.[1];
  }

  /** The window's values, oldest first (its JSON state). */
  values(): number[] {
    return this.window.values();
  }

  static from(size: number, values: readonly number[]): WindowExtremes {
    const w = new WindowExtremes(size);
    for (const v of values) w.push(v);
    return w;
  }
}
