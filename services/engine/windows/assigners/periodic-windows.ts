import { TimeWindow } from '../time-window.ts';
import { requireOffset, requirePositiveMs } from './window-assigner.ts';

/**
 * The windows of `size` ms starting every `slide` ms (shifted by `offset`) that hold a time: what
 * sliding windows (and, with `slide = size`, tumbling ones) assign. A time `t` belongs to every
 * window `[s, s + size)` with `s ≡ offset (mod slide)` and `t - size < s <= t`, latest first.
 *
 * The last two lists handed out are reused while times fall into them (out-of-order streams
 * alternate between two), so steady streams do not allocate per record. Do not keep a list.
 *
 * @example
 * const windows = new PeriodicWindows(10_000, 5_000, 0);
 * windows.at(12_000); // [[10000, 20000), [5000, 15000)]
 */
export class PeriodicWindows {
  private lastFirst = Number.NaN;
  private lastStart = Number.NaN;
  private last: readonly TimeWindow[] = [];
  private previousFirst = Number.NaN;
  private previousStart = Number.NaN;
  private previous: readonly TimeWindow[] = [];

  constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    requirePositiveMs(size, 'window size');
    requirePositiveMs(slide, 'window slide');
    requireOffset(offset, slide, slide === size ? 'size' : 'slide');
  }

  /** The windows holding `time`, latest start first (empty when `slide > size` leaves `time` in a gap). */
  at(time: number): readonly TimeWindow[] {
    const lastStart = TimeWindow.startFor(time, this.offset, this.slide);
    const firstStart =
      this.slide === this.size
        ? lastStart
        : TimeWindow.startFor(time - this.size, this.offset, this.slide) + this.slide;
    if (lastStart === this.lastStart && firstStart === this.lastFirst) return this.last;
    const swapStart = this.previousStart;
    const swapFirst = this.previousFirst;
    const swap = this.previous;
    this.previousStart = this.lastStart;
    this.previousFirst = this.lastFirst;
    this.previous = this.last;
    this.lastStart = lastStart;
    this.lastFirst = firstStart;
    this.last =
      swapStart === lastStart && swapFirst === firstStart ? swap : this.windows(firstStart, lastStart);
    return this.last;
  }

  private windows(firstStart: number, lastStart: number): TimeWindow[] {
    const windows: TimeWindow[] = [];
    for (let start = lastStart; start >= firstStart; start -= this.slide) {
      windows.push(new TimeWindow(start, start + this.size));
    }
    return windows;
  }
}
