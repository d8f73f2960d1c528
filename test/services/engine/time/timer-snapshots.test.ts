import { describe, expect, it } from 'vitest';
import { keyGroupOf, keyGroupRange } from '../../../../services/engine/key-groups.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { EventTimeTimers } from '../../../../services/engine/time/event-time-timers.ts';
import { ProcessingTimeTimers } from '../../../../services/engine/time/processing-time-timers.ts';
import type { TimersByKeyGroup } from '../../../../services/engine/time/time-heap.ts';

const MAX_PARALLELISM = 128;
const groupOf = (key: string) => keyGroupOf(key, MAX_PARALLELISM);

/** 60 keys, each with a 10 s window timer, a few with a second window or a duplicate registration. */
function registerAll(register: (key: string, namespace: number, time: number) => void): void {
  for (let k = 0; k < 60; k++) {
    const key = `device-${k}/temperature`;
    register(key, 0, 9_999);
    if (k % 5 === 0) register(key, 10_000, 19_999);
    if (k % 7 === 0) register(key, 0, 9_999); // deduplicated
  }
}

function sorted(timers: Iterable<{ key: string; namespace: number; time: number }>): string[] {
  return [...timers].map((t) => `${t.key}:${t.namespace}:${t.time}`).sort();
}

function flatten(groups: TimersByKeyGroup<string>): string[] {
  return [...groups.values()].flat().map(([k, ns, t]) => `${k}:${ns}:${t}`);
}

describe('EventTimeTimers snapshots', () => {
  it('round-trips by key group: every timer in the group of its key, fired the same after restore', () => {
    const original = new EventTimeTimers<string>();
    registerAll((k, ns, t) => original.register(k, ns, t));
    const snapshot = original.snapshotByKeyGroup(groupOf);
    expect(flatten(snapshot).sort()).toEqual(sorted(original.entries()));
    for (const [group, entries] of snapshot) for (const [key] of entries) expect(groupOf(key)).toBe(group);

    const restored = new EventTimeTimers<string>();
    restored.restore(snapshot);
    expect(restored.size).toBe(original.size);
    expect(restored.size).toBe(72);
    expect(sorted(restored.entries())).toEqual(sorted(original.entries()));

    const fire = (timers: EventTimeTimers<string>, watermark: number) => {
      const fired: string[] = [];
      timers.advanceTo(watermark, (k, ns, t) => fired.push(`${k}:${ns}:${t}`));
      return fired;
    };
    expect(fire(restored, 9_998)).toEqual([]); // restored timers wait for the watermark
    expect(fire(restored, 9_999).sort()).toEqual(fire(original, 9_999).sort());
    expect(fire(restored, 30_000).sort()).toEqual(fire(original, 30_000).sort());
    expect(restored.size).toBe(0);
  });

  it('takes a snapshot that later registrations and firings do not change', () => {
    const timers = new EventTimeTimers<string>();
    timers.register('a', 0, 10);
    const snapshot = timers.snapshotByKeyGroup(groupOf);
    timers.register('b', 0, 20);
    timers.advanceTo(100, () => {});
    expect(flatten(snapshot)).toEqual(['a:0:10']);
  });

  it('deduplicates on restore, also against timers already registered', () => {
    const timers = new EventTimeTimers<string>();
    registerAll((k, ns, t) => timers.register(k, ns, t));
    const snapshot = timers.snapshotByKeyGroup(groupOf);
    timers.restore(snapshot);
    timers.restore([...snapshot.entries()]); // the entries of a decoded snapshot work too
    expect(timers.size).toBe(72);
  });

  it('splits across 3 subtasks by key group range: disjoint, complete, each in its own range', () => {
    const original = new EventTimeTimers<string>();
    registerAll((k, ns, t) => original.register(k, ns, t));
    const snapshot = original.snapshotByKeyGroup(groupOf);
    const parts = [0, 1, 2].map((subtask) => {
      const range = keyGroupRange(subtask, 3, MAX_PARALLELISM);
      const timers = new EventTimeTimers<string>();
      timers.restore(snapshot, range);
      for (const { key } of timers.entries()) {
        expect(groupOf(key)).toBeGreaterThanOrEqual(range.start);
        expect(groupOf(key)).toBeLessThanOrEqual(range.end);
      }
      return timers;
    });
    expect(parts.every((p) => p.size > 0)).toBe(true);
    expect(parts.reduce((n, p) => n + p.size, 0)).toBe(original.size);
    expect(sorted(parts.flatMap((p) => [...p.entries()]))).toEqual(sorted(original.entries()));

    // and back to parallelism 1: the three snapshots merged restore the original
    const merged = new EventTimeTimers<string>();
    for (const part of parts) merged.restore(part.snapshotByKeyGroup(groupOf));
    expect(sorted(merged.entries())).toEqual(sorted(original.entries()));
  });
});

describe('ProcessingTimeTimers snapshots', () => {
  function service(start: number) {
    const clock = new ManualClock(start);
    const fired: string[] = [];
    const timers = new ProcessingTimeTimers<string>(clock, (key, ns, time) =>
      fired.push(`${key}:${ns}:${time}@${clock.now()}`),
    );
    return { clock, fired, timers };
  }

  it('round-trips by key group; due timers fire on the next clock tick, later ones at their time', () => {
    const before = service(0);
    before.timers.register('a', 0, 1_000);
    before.timers.register('b', 0, 3_000);
    before.timers.register('c', 1, 500);
    before.timers.register('c', 2, 5_000);
    const snapshot = before.timers.snapshotByKeyGroup(groupOf);
    before.timers.close();

    const after = service(2_000); // recovery, later: 'c'@500 and 'a'@1000 are overdue
    after.timers.restore(snapshot);
    expect(after.timers.size).toBe(4);
    expect(after.clock.pendingCount()).toBe(1); // one clock timer, for the earliest
    expect(after.fired).toEqual([]);
    after.clock.advance(0);
    expect(after.fired).toEqual(['c:1:500@2000', 'a:0:1000@2000']);
    after.clock.advance(999);
    expect(after.fired).toHaveLength(2);
    after.clock.advance(1);
    expect(after.fired.slice(2)).toEqual(['b:0:3000@3000']);
    after.clock.advance(10_000);
    expect(after.fired.slice(3)).toEqual(['c:2:5000@5000']);
    expect(after.timers.size).toBe(0);
  });

  it('moves the clock timer earlier when restoring before an existing later timer, and deduplicates', () => {
    const { clock, fired, timers } = service(0);
    timers.register('late', 0, 900);
    const groups: TimersByKeyGroup<string> = new Map([[groupOf('x'), [['x', 0, 100] as const]]]);
    timers.restore(groups);
    timers.restore(groups);
    expect(timers.size).toBe(2);
    expect(clock.pendingCount()).toBe(1);
    clock.advance(100);
    expect(fired).toEqual(['x:0:100@100']);
  });

  it('splits across 3 subtasks by key group range, each firing only its own timers', () => {
    const original = service(0);
    registerAll((k, ns, t) => original.timers.register(k, ns, t));
    const snapshot = original.timers.snapshotByKeyGroup(groupOf);
    const parts = [0, 1, 2].map((subtask) => {
      const part = service(0);
      part.timers.restore(snapshot, keyGroupRange(subtask, 3, MAX_PARALLELISM));
      return part;
    });
    expect(parts.reduce((n, p) => n + p.timers.size, 0)).toBe(72);
    for (const clock of [original.clock, ...parts.map((p) => p.clock)]) clock.advance(20_000);
    expect(parts.flatMap((p) => p.fired).sort()).toEqual([...original.fired].sort());
    for (const [subtask, part] of parts.entries()) {
      const range = keyGroupRange(subtask, 3, MAX_PARALLELISM);
      for (const line of part.fired) {
        const group = groupOf(line.split(':')[0]!);
        expect(group >= range.start && group <= range.end).toBe(true);
      }
    }
  });
});
