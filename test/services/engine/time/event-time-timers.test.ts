import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventTimeTimers } from '../../../../services/engine/time/event-time-timers.ts';

describe('EventTimeTimers', () => {
  it('deduplicates per key, namespace and time and fires in time order', () => {
    const timers = new EventTimeTimers<string>();
    timers.register('a', 0, 30);
    timers.register('b', 0, 10);
    timers.register('a', 0, 30);
    timers.register('a', 10, 20);
    expect(timers.size).toBe(3);
    const fired: string[] = [];
    timers.advanceTo(25, (k, ns, t) => fired.push(`${k}:${ns}:${t}`));
    expect(fired).toEqual(['b:0:10', 'a:10:20']);
    timers.advanceTo(30, (k, ns, t) => fired.push(`${k}:${ns}:${t}`));
    expect(fired).toEqual(['b:0:10', 'a:10:20', 'a:0:30']);
    expect(timers.size).toBe(0);
  });

  it('does not fire deleted timers', () => {
    const timers = new EventTimeTimers<string>();
    timers.register('a', 0, 5);
    timers.register('b', 0, 5);
    timers.delete('a', 0, 5);
    const fired: string[] = [];
    timers.advanceTo(5, (k) => fired.push(k));
    expect(fired).toEqual(['b']);
  });

  it('fires every registered timer exactly once, in non-decreasing time order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 50 }))),
        (timers) => {
          const service = new EventTimeTimers<string>();
          for (const [key, time] of timers) service.register(key, 0, time);
          const fired: [string, number][] = [];
          service.advanceTo(25, (key, _ns, time) => fired.push([key, time]));
          service.advanceTo(50, (key, _ns, time) => fired.push([key, time]));
          const expected = new Set(timers.map(([k, t]) => `${k}:${t}`));
          expect(fired.map(([k, t]) => `${k}:${t}`).sort()).toEqual([...expected].sort());
          for (let i = 1; i < fired.length; i++)
            expect(fired[i]![1]).toBeGreaterThanOrEqual(fired[i - 1]![1]);
        },
      ),
    );
  });

  it('keeps several namespaces of one (key, time), and namespaces a time difference cannot give back', () => {
    const timers = new EventTimeTimers<string>();
    const odd = 0.1; // 1e12 - (1e12 - 0.1) is not 0.1: stored as is
    timers.register('a', 1_700_000_000_000, 1_700_000_009_999);
    timers.register('a', 5, 1_700_000_009_999);
    timers.register('a', 5, 1_700_000_009_999);
    timers.register('b', odd, 1e12);
    timers.register('b', odd, 1e12);
    timers.register('c', 7, 1e12);
    expect(timers.size).toBe(4);
    expect([...timers.entries()]).toEqual([
      { key: 'a', namespace: 1_700_000_000_000, time: 1_700_000_009_999 },
      { key: 'a', namespace: 5, time: 1_700_000_009_999 },
      { key: 'b', namespace: odd, time: 1e12 },
      { key: 'c', namespace: 7, time: 1e12 },
    ]);
    timers.delete('a', 1_700_000_000_000, 1_700_000_009_999); // back to one namespace
    timers.delete('b', 0.2, 1e12); // not registered: no-op
    timers.delete('c', 7, 1e12);
    const fired: string[] = [];
    timers.advanceTo(Number.MAX_SAFE_INTEGER, (k, ns, t) => fired.push(`${k}:${ns}:${t}`));
    expect(fired).toEqual([`b:${odd}:1000000000000`, 'a:5:1700000009999']);
    expect(timers.size).toBe(0);
  });
});
