import { ValueWindow } from '../core/stats/value-window.ts';

/**
 * The last `size` values of a stream kept both in arrival order (to evict the oldest) and sorted
 * (for order statistics): `push` is O(size) (binary search, then one array shift), `median` O(1),
 * `medianAbsoluteDeviation` O(size / 2) (walks outwards from the median, no sorting).
 *
 * @example
 * const w = new SortedWindow(5);
 * [1, 2, 3, 4, 100].forEach((v) => w.push(v));
 * w.median(); // 3
 * w.medianAbsoluteDeviation(3); // 1  (deviations 2, 1, 0, 1, 97)
 */
export class SortedWindow {
  private readonly arrival: ValueWindow;
  private readonly sorted: number[] = [];

  constructor(readonly size: number) {
    this.arrival = new ValueWindow(size);
  }

  get length(): number {
    return this.sorted.length;
  }

  push(x: number): void {
    const evicted = this.arrival.push(x);
    if (evicted !== undefined) this.sorted.splice(lowerBound(this.sorted, evicted), 1);
    this.sorted.splice(lowerBound(this.sorted, x), 0, x);
  }

  /** The median (mean of the two middle values for an even count); 0 when empty. */
  median(): number {
    const n = this.sorted.length;
    if (n === 0) return 0;
    const mid = n >> 1;
    return n % 2 === 1 ? this.sorted[mid]! : (this.sorted[mid - 1]! + this.sorted[mid]!) / 2;
  }

  /**
   * The median of `|v - centre|` over the window's values (`centre` usually the median); 0 when
   * empty. The deviations in increasing order come from merging the values left of `centre`
   * (walking down) with those right of it (walking up); the walk stops at the middle one(s).
   */
  medianAbsoluteDeviation(centre: number): number {
    const s = this.sorted;
    const n = s.length;
    if (n === 0) return 0;
    let right = lowerBound(s, centre);
    let left = right - 1;
    const last = n >> 1; // 0-based rank of the upper middle deviation
    let previous = 0;
    for (let rank = 0; ; rank++) {
      const takeLeft = right >= n || (left >= 0 && centre - s[left]! <= s[right]! - centre);
      const deviation = takeLeft ? centre - s[left--]! : s[right++]! - centre;
      if (rank === last) return n % 2 === 1 ? deviation : (previous + deviation) / 2;
      previous = deviation;
    }
  }

  /** The mean of `|v - centre|` (the fallback scale when the MAD is 0); 0 when empty. */
  meanAbsoluteDeviation(centre: number): number {
    const n = this.sorted.length;
    if (n === 0) return 0;
    let sum = 0;
    for (const v of this.sorted) sum += Math.abs(v - centre);
    return sum / n;
  }

  /** The values, oldest first (the JSON state). */
  values(): number[] {
    return this.arrival.values();
  }

  static from(size: number, values: readonly number[]): SortedWindow {
    const w = new SortedWindow(size);
    for (const v of values) w.push(v);
    return w;
  }
}

/** The first index whose value is >= x (where x would be inserted to keep the order). */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
