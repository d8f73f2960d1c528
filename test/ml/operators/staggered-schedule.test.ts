import { describe, expect, it } from 'vitest';
import { inKeyOrder, STAGGER_SLOTS, StaggeredSchedule } from '../../../ml/operators/staggered-schedule.ts';
import { MAX_WATERMARK } from '../../../services/engine/time/watermark.ts';

const KEYS = Array.from({ length: 1_000 }, (_, i) => `dev-${i}/temperature`);
const EVERY_MS = 10_000;

/** Every key changes before every watermark, the watermark stepping by `stepMs`: when each key publishes. */
function publications(schedule: StaggeredSchedule<string>, from: number, to: number, stepMs: number) {
  const at = new Map<string, number[]>(KEYS.map((k) => [k, []]));
  let largestStep = 0;
  for (let watermark = from; watermark <= to; watermark += stepMs) {
    for (const key of KEYS) schedule.changed(key);
    const due = schedule.due(watermark);
    if (watermark > from) largestStep = Math.max(largestStep, due.length);
    for (const key of due) at.get(key)!.push(watermark);
  }
  return { at, largestStep };
}

describe('StaggeredSchedule', () => {
  it('publishes every changed key at the first watermark, in key order', () => {
    const schedule = new StaggeredSchedule<string>(EVERY_MS);
    for (const key of ['d2', 'd10', 'd1']) schedule.changed(key);
    expect(schedule.due(1_000)).toEqual(['d1', 'd10', 'd2']);
    expect(schedule.due(1_001)).toEqual([]);
  });

  it('publishes each key once per interval, at its own phase, a few keys per watermark step', () => {
    const schedule = new StaggeredSchedule<string>(EVERY_MS);
    const { at, largestStep } = publications(schedule, 0, 4 * EVERY_MS, 10);
    for (const [key, times] of at) {
      expect(times.length, key).toBeGreaterThanOrEqual(4);
      expect(times.length, key).toBeLessThanOrEqual(5);
      // after the first watermark (all keys), exactly one interval apart
      const gaps = times.slice(2).map((t, i) => t - times[i + 1]!);
      expect(new Set(gaps), key).toEqual(new Set([EVERY_MS]));
    }
    // 1,000 keys over 100 phases: a step of 10 ms crosses at most one phase start (~10 keys)
    expect(largestStep).toBeLessThan(40);
    // and the phases are used: the keys' first staggered publications spread over the interval
    const firstStaggered = new Set([...at.values()].map((times) => times[1]));
    expect(firstStaggered.size).toBeGreaterThan(STAGGER_SLOTS * 0.9);
  });

  it('publishes every changed key a whole interval after the last watermark, and at the end of input', () => {
    const schedule = new StaggeredSchedule<string>(EVERY_MS);
    schedule.due(1_000);
    for (const key of KEYS) schedule.changed(key);
    expect(schedule.due(1_000 + EVERY_MS)).toHaveLength(KEYS.length);
    for (const key of KEYS) schedule.changed(key);
    expect(schedule.due(MAX_WATERMARK)).toEqual(inKeyOrder(KEYS));
    expect(schedule.due(MAX_WATERMARK)).toEqual([]);
  });

  it('does not publish a forgotten key', () => {
    const schedule = new StaggeredSchedule<string>(EVERY_MS);
    schedule.changed('a');
    schedule.changed('b');
    schedule.forget('a');
    expect(schedule.due(MAX_WATERMARK)).toEqual(['b']);
  });

  it('restored with the keys pending, publishes what the original publishes', () => {
    const original = new StaggeredSchedule<string>(EVERY_MS);
    publications(original, 0, 23_450, 50);
    for (const key of KEYS) original.changed(key); // the keys that changed since they last published
    const restored = new StaggeredSchedule<string>(EVERY_MS);
    restored.restore([original.toJSON(), [MAX_WATERMARK]]); // and another subtask's, further on
    for (const key of KEYS) restored.changed(key); // as the operator does for its entries changed
    for (let watermark = 23_500; watermark <= 40_000; watermark += 50) {
      expect(restored.due(watermark)).toEqual(original.due(watermark));
    }
  });

  it('restores a checkpoint written before staggering ([next due, last due]) from its last watermark', () => {
    const schedule = new StaggeredSchedule<string>(EVERY_MS);
    schedule.restore([[64_000, 54_000], undefined]);
    expect(schedule.toJSON()).toEqual([54_000]);
    schedule.changed('a');
    expect(schedule.due(54_000)).toEqual([]);
  });

  it('refuses an interval that is not positive; a short one has a phase per ms', () => {
    expect(() => new StaggeredSchedule(0)).toThrow(/positive number of ms, got 0/);
    expect(() => new StaggeredSchedule(Number.NaN)).toThrow(/positive number of ms, got NaN/);
    const schedule = new StaggeredSchedule<number>(5);
    schedule.due(0);
    for (let key = 0; key < 50; key++) schedule.changed(key);
    const published = [1, 2, 3, 4, 5].flatMap((w) => schedule.due(w));
    expect(published.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('orders keys as text', () => {
    expect(inKeyOrder(new Set(['d2', 'd10', 'd1']))).toEqual(['d1', 'd10', 'd2']);
    expect(inKeyOrder([10, 9])).toEqual([10, 9]);
  });
});
