/**
 * The last `capacity` items of a stream, oldest first: what rolling metrics keep. Adding to a full
 * ring hands the oldest item to `onEvict` (to revert it) and overwrites it, in O(1).
 *
 * @example
 * const ring = new Ring<number>(2);
 * ring.push(1); ring.push(2); ring.push(3, (old) => console.log(old)); // logs 1
 * ring.toArray(); // [2, 3]
 */
export class Ring<T> {
  private items: T[] = [];
  private head = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`rolling window must be an integer >= 1, got ${capacity}`);
  }

  get size(): number {
    return this.items.length;
  }

  push(item: T, onEvict?: (oldest: T) => void): void {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    onEvict?.(this.items[this.head]!);
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
  }

  /** The items, oldest first (a new array). */
  toArray(): T[] {
    return [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }

  /** Replaces the items with `items` (oldest first; at most `capacity`, the newest kept). */
  reset(items: readonly T[]): void {
    this.items = items.slice(Math.max(0, items.length - this.capacity));
    this.head = 0;
  }
}
