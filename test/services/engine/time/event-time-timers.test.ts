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

  it('registerNew: later register and delete of the same timer find it; keys fire in registration order', () => {
    const timers = new EventTimeTimers<string>();
    timers.registerNew('a', 0, 9);
    timers.registerNew('b', 0, 9);
    timers.registerNew('c', 0, 9);
    timers.register('b', 0, 9); // deduplicated against the new one
    timers.register('a', 5, 9); // a second namespace of 'a', fires at 'a's place
    timers.delete('c', 0, 9);
    expect(timers.size).toBe(3);
    timers.registerNew('d', 0, 9); // the time now has an index: checked like register
    timers.registerNew('d', 0, 9);
    const fired: string[] = [];
    timers.advanceTo(9, (k, ns) => fired.push(`${k}:${ns}`));
    expect(fired).toEqual(['a:0', 'a:5', 'b:0', 'd:0']);
    expect(timers.size).toBe(0);
  });

  it('deleting at the time being fired: a no-op, unless the timer was registered again while firing', () => {
    const timers = new EventTimeTimers<string>();
    timers.register('a', 0, 5);
    timers.register('b', 0, 5);
    const fired: string[] = [];
    timers.advanceTo(5, (k) => {
      fired.push(k);
      if (k === 'a') {
        timers.delete('b', 0, 5); // 'b' is being fired with 'a': it still fires, as before
        timers.register('c', 0, 5);
        timers.register('d', 0, 5);
        timers.delete('c', 0, 5); // registered while firing: deleted
      }
    });
    expect(fired).toEqual(['a', 'b', 'd']);
    expect(timers.size).toBe(0);
  });

  it('keeps the registration order when many keys of one time come and go', () => {
    const timers = new EventTimeTimers<number>();
    for (let k = 0; k < 200; k++) timers.registerNew(k, 0, 7);
    for (let k = 0; k < 200; k++) if (k % 3 !== 0) timers.delete(k, 0, 7);
    for (let k = 1; k < 200; k += 3) timers.register(k, 0, 7);
    const fired: number[] = [];
    timers.advanceTo(7, (k) => fired.push(k));
    const expected = [
      ...Array.from({ length: 200 }, (_, k) => k).filter((k) => k % 3 === 0),
      ...Array.from({ length: 200 }, (_, k) => k).filter((k) => k % 3 === 1),
    ];
    expect(fired).toEqual(expected);
    expect(timers.size).toBe(0);
  });

  it('snapshots timers registered as new like the others', () => {
    const timers = new EventTimeTimers<string>();
    timers.registerNew('a', 0, 9);
    timers.register('b', 3, 9);
    expect(timers.snapshotByKeyGroup(() => 1)).toEqual(
      new Map([
        [
          1,
          [
            ['a', 0, 9],
            ['b', 3, 9],
          ],
        ],
      ]),
    );
    expect(timers.snapshotByKeyGroup(() => 1, 9)).toEqual(new Map([[1, [['b', 3, 9]]]]));
  });
});
