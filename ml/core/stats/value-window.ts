/**
 * The last `size` values of a stream, oldest first (a ring buffer): `push` returns the value it
 * evicts, so running statistics can `revert` it.
 *
 * @example
 * const w = new ValueWindow(2);
 * w.push(1); w.push(2);
 * w.push(3); // 1 (evicted)
 * w.values(); // [2, 3]
 */
export class ValueWindow {
  private readonly buffer: number[] = [];
  private head = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`window size must be an integer >= 1, got ${size}`);
  }

  get length(): number {
    return this.buffer.length;
  }

  /** Adds `x`; returns the oldest value when the window was full (and drops it), else undefined. */
  push(x: number): number | undefined {
    if (this.buffer.length < this.size) {
      this.buffer.push(x);
      return undefined;
    }
    const evicted = this.buffer[this.head]!;
    this.buffer[this.head] = x;
    this.head = (this.head + 1) % this.size;
    return evicted;
  }

  /** The values, oldest first (a copy). */
  values(): number[] {
    return [...this.buffer.slice(this.head), ...this.buffer.slice(0, this.head)];
  }

  static from(size: number, values: readonly number[]): ValueWindow {
    const w = new ValueWindow(size);
    for (const v of values) w.push(v);
    return w;
  }
}
