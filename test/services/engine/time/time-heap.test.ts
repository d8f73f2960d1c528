import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { popTime, pushTime } from '../../../../services/engine/time/time-heap.ts';

describe('time heap', () => {
  it('pops the doc example in time order', () => {
    const heap: number[] = [];
    pushTime(heap, 30);
    pushTime(heap, 10);
    pushTime(heap, 20);
    expect([popTime(heap), popTime(heap), popTime(heap)]).toEqual([10, 20, 30]);
  });

  it('pops any set of times sorted (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (times) => {
        const heap: number[] = [];
        for (const t of times) pushTime(heap, t);
        const popped = times.map(() => popTime(heap));
        expect(popped).toEqual([...times].sort((a, b) => a - b));
      }),
    );
  });
});
