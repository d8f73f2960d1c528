import { describe, expect, it } from 'vitest';
import { EventTimeTimers } from '../../../../services/engine/time/event-time-timers.ts';

type Fired = [key: string, namespace: number, time: number];

/** 10 keys' timers at 100 (registered as new, like windows' cleanup timers), 5 at 200. */
function timers(): EventTimeTimers<string> {
  const t = new EventTimeTimers<string>();
  for (let i = 0; i < 10; i++) t.registerNew(`a${i}`, 0, 100);
  for (let i = 0; i < 5; i++) t.register(`b${i}`, 100, 200);
  return t;
}

describe('EventTimeTimers.advanceTo with a limit', () => {
  it('fires in slices, in the order of one unlimited call', () => {
    const all: Fired[] = [];
    expect(timers().advanceTo(300, (k, ns, t) => all.push([k, ns, t]))).toBe(true);

    const t = timers();
    const sliced: Fired[] = [];
    const calls: boolean[] = [];
    let done = false;
    while (!done) {
      done = t.advanceTo(300, (k, ns, time) => sliced.push([k, ns, time]), 4);
      calls.push(done);
    }
    expect(calls).toEqual([false, false, false, true]);
    expect(sliced).toEqual(all);
    expect(t.size).toBe(0);
  });

  it('leaves the unfired timers pending: counted, in snapshots, deletable, ahead of new ones at their time', () => {
    const t = timers();
    const fired: string[] = [];
    const fire = (key: string) => fired.push(key);
    expect(t.advanceTo(300, fire, 3)).toBe(false);
    expect(fired).toEqual(['a0', 'a1', 'a2']);
    expect(t.size).toBe(12);
    const snapshot = t.snapshotByKeyGroup(() => 0);
    expect(snapshot.get(0)).toHaveLength(12);
    t.delete('a5', 0, 100);
    t.register('late', 0, 100); // registered at the time being fired, between two slices
    t.register('a4', 0, 100); // already pending: deduplicated
    expect(t.size).toBe(12);
    expect(t.advanceTo(300, fire)).toBe(true);
    expect(fired).toEqual([
      'a0',
      'a1',
      'a2',
      'a3',
      'a4',
      'a6',
      'a7',
      'a8',
      'a9',
      'late',
      'b0',
      'b1',
      'b2',
      'b3',
      'b4',
    ]);
    expect(t.size).toBe(0);
  });

  it('fires nothing beyond the watermark, limit or not', () => {
    const t = timers();
    const fired: number[] = [];
    expect(t.advanceTo(150, (_k, _ns, time) => fired.push(time), 100)).toBe(true);
    expect(fired).toEqual(Array(10).fill(100));
    expect(t.size).toBe(5);
  });

  it('keeps the rest consistent when deletes compact it and a fired key registers again', () => {
    const t = new EventTimeTimers<string>();
    for (let i = 0; i < 100; i++) t.registerNew(`k${i}`, 0, 100);
    const fired: string[] = [];
    const fire = (key: string) => fired.push(key);
    expect(t.advanceTo(100, fire, 10)).toBe(false);
    for (let i = 10; i < 60; i++) t.delete(`k${i}`, 0, 100); // enough holes to compact
    t.register('k3', 0, 100); // fired already: pending again, after the rest
    t.register('k70', 0, 100); // pending: deduplicated
    expect(t.size).toBe(41);
    expect(t.advanceTo(100, fire, 5)).toBe(false);
    expect(t.advanceTo(100, fire)).toBe(true);
    const expected = [
      ...Array.from({ length: 10 }, (_, i) => `k${i}`),
      ...Array.from({ length: 40 }, (_, i) => `k${60 + i}`),
      'k3',
    ];
    expect(fired).toEqual(expected);
    expect(t.size).toBe(0);
  });
});
