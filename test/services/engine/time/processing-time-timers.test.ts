import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { ProcessingTimeTimers } from '../../../../services/engine/time/processing-time-timers.ts';

function timers(start = 0) {
  const clock = new ManualClock(start);
  const fired: string[] = [];
  const service = new ProcessingTimeTimers<string>(clock, (key, ns, time) =>
    fired.push(`${key}:${ns}:${time}@${clock.now()}`),
  );
  return { clock, fired, service };
}

describe('ProcessingTimeTimers', () => {
  it('deduplicates per key, namespace and time, and fires in time order at each timer time', () => {
    const { clock, fired, service } = timers();
    service.register('a', 0, 30);
    service.register('b', 0, 10);
    service.register('a', 0, 30);
    service.register('a', 1, 20);
    expect(service.size).toBe(3);
    clock.advance(25);
    expect(fired).toEqual(['b:0:10@10', 'a:1:20@20']);
    clock.advance(100);
    expect(fired).toEqual(['b:0:10@10', 'a:1:20@20', 'a:0:30@30']);
    expect(service.size).toBe(0);
  });

  it('keeps one clock timer, set for the earliest timer, however many timers there are', () => {
    const { clock, fired, service } = timers();
    for (let k = 0; k < 100; k++) service.register(`k${k}`, 0, 1_000 + (k % 7));
    expect(clock.pendingCount()).toBe(1);
    service.register('early', 0, 10); // earlier: the clock timer is moved, not added
    expect(clock.pendingCount()).toBe(1);
    clock.advance(10);
    expect(fired).toEqual(['early:0:10@10']);
    expect(clock.pendingCount()).toBe(1);
    clock.advance(1_000);
    expect(fired).toHaveLength(101);
    expect(clock.pendingCount()).toBe(0);
  });

  it('does not fire deleted timers', () => {
    const { clock, fired, service } = timers();
    service.register('a', 0, 5);
    service.register('b', 0, 5);
    service.register('c', 0, 7);
    service.delete('a', 0, 5);
    service.delete('c', 0, 7);
    service.delete('nobody', 0, 5);
    clock.advance(10);
    expect(fired).toEqual(['b:0:5@5']);
  });

  it('fires a timer set in the past at the next clock callback', () => {
    const { clock, fired, service } = timers(100);
    service.register('a', 0, 50);
    expect(fired).toEqual([]);
    clock.advance(0);
    expect(fired).toEqual(['a:0:50@100']);
  });

  it('fires timers registered while firing in the same round when due, later ones at their time', () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    const service: ProcessingTimeTimers<string> = new ProcessingTimeTimers<string>(
      clock,
      (key, _ns, time) => {
        fired.push(`${key}@${time}`);
        if (key === 'a') {
          service.register('due', 0, time); // due now
          service.register('later', 0, time + 10);
        }
      },
    );
    service.register('a', 0, 5);
    clock.advance(5);
    expect(fired).toEqual(['a@5', 'due@5']);
    clock.advance(10);
    expect(fired).toEqual(['a@5', 'due@5', 'later@15']);
  });

  it('stops firing once closed, and lists pending timers for snapshots', () => {
    const { clock, fired, service } = timers();
    service.register('a', 0, 5);
    service.register('b', 2, 9);
    service.close();
    expect(clock.pendingCount()).toBe(0);
    clock.advance(100);
    expect(fired).toEqual([]);
    expect([...service.entries()]).toEqual([
      { key: 'a', namespace: 0, time: 5 },
      { key: 'b', namespace: 2, time: 9 },
    ]);
  });

  it('rejects a time that is not a finite number', () => {
    expect(() => timers().service.register('a', 0, Number.NaN)).toThrow(/finite time/);
  });

  it('fires every registered timer exactly once, in non-decreasing time order, never early (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 50 }))),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1 }),
        (registered, steps) => {
          const clock = new ManualClock(0);
          const fired: [string, number, number][] = [];
          const service = new ProcessingTimeTimers<string>(clock, (key, _ns, time) =>
            fired.push([key, time, clock.now()]),
          );
          for (const [key, time] of registered) service.register(key, 0, time);
          for (const step of steps) clock.advance(step);
          clock.advance(50);
          const expected = new Set(registered.map(([k, t]) => `${k}:${t}`));
          expect(fired.map(([k, t]) => `${k}:${t}`).sort()).toEqual([...expected].sort());
          for (let i = 0; i < fired.length; i++) {
            expect(fired[i]![2]).toBeGreaterThanOrEqual(fired[i]![1]);
            if (i > 0) expect(fired[i]![1]).toBeGreaterThanOrEqual(fired[i - 1]![1]);
          }
        },
      ),
    );
  });
});
