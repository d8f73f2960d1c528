/**
 * A binary min-heap of timestamps in a plain array: the queue of distinct timer times that both
 * timer services keep (many timers share a time, so the heap stays small).
 *
 * @example
 * const heap: number[] = [];
 * pushTime(heap, 30); pushTime(heap, 10); pushTime(heap, 20);
 * popTime(heap); // 10
 */
export function pushTime(heap: number[], time: number): void {
  heap.push(time);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= time) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = time;
}

/** Removes and returns the earliest time; the heap must not be empty. */
export function popTime(heap: number[]): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]! < heap[left]! ? right : left;
      if (heap[child]! >= last) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
  return top;
}
