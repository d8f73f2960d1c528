/**
 * A min-heap of items by `(at, seq)`: earliest first, ties in insertion order. The fleet keeps the
 * messages it has built but not yet released here, so delayed messages come out in publish order.
 *
 * @example
 * const q = new PublishQueue<string>();
 * q.push(20, 'b'); q.push(10, 'a'); q.push(10, 'a2');
 * [q.pop(), q.pop(), q.pop()]; // ['a', 'a2', 'b']
 */
export class PublishQueue<T> {
  private readonly heap: { at: number; seq: number; item: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    const heap = this.heap;
    heap.push({ at, seq: this.seq++, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Time of the earliest item, or undefined when empty. */
  peekAt(): number | undefined {
    return this.heap[0]?.at;
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (!top) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.less(left, smallest)) smallest = left;
        if (right < heap.length && this.less(right, smallest)) smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return top.item;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const heap = this.heap;
    const tmp = heap[a]!;
    heap[a] = heap[b]!;
    heap[b] = tmp;
  }
}
