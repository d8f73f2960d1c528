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

  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
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
}
