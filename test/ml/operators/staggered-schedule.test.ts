import { describe, expect, it } from 'vitest';
import { EventTimeSchedule, inKeyOrder } from '../../../ml/operators/event-time-schedule.ts';
import { MAX_WATERMARK } from '../../../services/engine/time/watermark.ts';

describe('EventTimeSchedule', () => {
  it('is due at the first watermark, then at least everyMs later, and always at the end of input', () => {
    const schedule = new EventTimeSchedule(60_000);
    expect([1_000, 30_000, 60_999, 61_000, 100_000, 121_000].map((w) => schedule.due(w))).toEqual([
      true,
      false,
      false,
      true,
      false,
      true,
    ]);
    expect(schedule.due(MAX_WATERMARK)).toBe(true);
    expect(schedule.due(MAX_WATERMARK)).toBe(false);
  });

  it('restores the earliest saved schedule (one per old subtask)', () => {
    const schedule = new EventTimeSchedule(1_000);
    schedule.restore([[5_000, 4_000], [4_500, 3_500], undefined]);
    expect(schedule.toJSON()).toEqual([4_500, 4_000]);
    expect(schedule.due(4_400)).toBe(false);
    expect(schedule.due(4_500)).toBe(true);
    expect(() => new EventTimeSchedule(0)).toThrow(/positive number of ms, got 0/);
  });

  it('orders keys as text', () => {
    expect(inKeyOrder(new Set(['d2', 'd10', 'd1']))).toEqual(['d1', 'd10', 'd2']);
    expect(inKeyOrder([10, 9])).toEqual([10, 9]);
  });
});
