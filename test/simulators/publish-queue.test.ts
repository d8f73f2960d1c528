import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PublishQueue } from '../../simulators/publish-queue.ts';

describe('PublishQueue', () => {
  it('pops earliest first, ties in insertion order', () => {
    const q = new PublishQueue<string>();
    q.push(20, 'b');
    q.push(10, 'a');
    q.push(10, 'a2');
    expect(q.peekAt()).toBe(10);
    expect([q.pop(), q.pop(), q.pop(), q.pop()]).toEqual(['a', 'a2', 'b', undefined]);
    expect(q.size).toBe(0);
  });

  it('behaves as a stable sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 })), (times) => {
        const q = new PublishQueue<number>();
        times.forEach((t, i) => {
          q.push(t, i);
        });
        const out: number[] = [];
        for (let i = q.pop(); i !== undefined; i = q.pop()) out.push(i);
        const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
        expect(out).toEqual(expected.map((e) => e.i));
      }),
    );
  });
});
