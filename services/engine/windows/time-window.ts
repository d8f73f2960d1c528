/**
 * A window of event time `[start, end)`. Its results carry timestamp `maxTimestamp() = end - 1`,
 * the last instant that belongs to it (Flink's convention, used everywhere in Eddy's engine).
 */
export class TimeWindow {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  maxTimestamp(): number {
    return this.end - 1;
  }

  /** True when the windows overlap or touch (`[0, 10)` and `[10, 20)` do): such session windows merge. */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  /** The smallest window holding both. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  equals(other: TimeWindow): boolean {
    return this.start === other.start && this.end === other.end;
  }

  toString(): string {
    return `[${this.start}, ${this.end})`;
  }

  /**
   * Start of the window of size `size` (shifted by `offset`) that holds `timestamp`
   * (Flink's `TimeWindow.getWindowStartWithOffset`, correct for negative timestamps too).
   */
  static startFor(timestamp: number, offset: number, size: number): number {
    const remainder = (timestamp - offset) % size;
    return remainder < 0 ? timestamp - (remainder + size) : timestamp - remainder;
  }

  /**
   * Groups windows that overlap or touch, transitively, and reports each group of two or more with
   * the window covering it (Flink's `TimeWindow.mergeWindows`, what session assigners merge with).
   *
   * @example
   * TimeWindow.mergeWindows([new TimeWindow(0, 10), new TimeWindow(5, 15), new TimeWindow(30, 40)], (merged, result) =>
   *   console.log(merged.length, result.toString())); // 2 [0, 15)
   */
  static mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback): void {
    const sorted = [...windows].sort((a, b) => a.start - b.start);
    let group: TimeWindow[] = [];
    let cover: TimeWindow | undefined;
    for (const candidate of sorted) {
      if (cover?.intersects(candidate)) {
        cover = cover.cover(candidate);
        group.push(candidate);
        continue;
      }
      if (cover !== undefined && group.length > 1) callback(group, cover);
      group = [candidate];
      cover = candidate;
    }
    if (cover !== undefined && group.length > 1) callback(group, cover);
  }
}

/** Receives one group of windows to merge and the window that replaces them. */
export type MergeCallback = (toBeMerged: readonly TimeWindow[], mergeResult: TimeWindow) => void;
