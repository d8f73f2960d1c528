import { describe, expect, it } from 'vitest';
import { MAX_WATERMARK } from '../../../../services/engine/time/watermark.ts';
import { GlobalWindows } from '../../../../services/engine/windows/assigners/global-windows.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { CountEvictor } from '../../../../services/engine/windows/evictors/count-evictor.ts';
import type {
  EvictorContext,
  TimestampedValue,
} from '../../../../services/engine/windows/evictors/evictor.ts';
import { TimeEvictor } from '../../../../services/engine/windows/evictors/time-evictor.ts';
import { TimeWindow } from '../../../../services/engine/windows/time-window.ts';
import { ContinuousEventTimeTrigger } from '../../../../services/engine/windows/triggers/continuous-event-time-trigger.ts';
import { CountTrigger } from '../../../../services/engine/windows/triggers/count-trigger.ts';
import { compact, type Ev, ev, windowHarness } from './window-test-kit.ts';

const MAX = MAX_WATERMARK;
const GLOBAL = `[${-MAX}, ${MAX + 1})`;
const ctx: EvictorContext = { currentProcessingTime: 0, currentWatermark: 0 };
const window = new TimeWindow(0, 100);
const stamped = (...timestamps: number[]): TimestampedValue<number>[] =>
  timestamps.map((timestamp, value) => ({ value, timestamp }));

describe('CountEvictor', () => {
  it('keeps the last n records, before the window function or after it', () => {
    const before = stamped(1, 2, 3, 4, 5);
    CountEvictor.of<number>(3).evictBefore(before, window, ctx);
    expect(before.map((e) => e.timestamp)).toEqual([3, 4, 5]);
    const after = stamped(1, 2, 3, 4, 5);
    CountEvictor.of<number>(3, true).evictBefore(after, window, ctx);
    expect(after).toHaveLength(5);
    CountEvictor.of<number>(3, true).evictAfter(after, window, ctx);
    expect(after.map((e) => e.timestamp)).toEqual([3, 4, 5]);
    expect(() => CountEvictor.of(0)).toThrow(/positive integer count/);
  });

  it('is what countWindow(n, slide) is made of: the last n records every slide records (Flink testCountEvictor)', () => {
    const { h } = windowHarness({
      assigner: GlobalWindows.create<Ev>(),
      evictor: CountEvictor.of(4),
      trigger: CountTrigger.of<Ev>(2),
    });
    for (let i = 1; i <= 8; i++) h.element(ev('a', i), i);
    expect(compact(h.take())).toEqual([
      `a${GLOBAL}=3@${MAX}`, // 1 2
      `a${GLOBAL}=10@${MAX}`, // 1 2 3 4
      `a${GLOBAL}=18@${MAX}`, // 3 4 5 6
      `a${GLOBAL}=26@${MAX}`, // 5 6 7 8
    ]);
  });

  it('evicts after the window function with doEvictAfter: a firing sees everything, the next only what was kept', () => {
    const { h } = windowHarness({
      assigner: GlobalWindows.create<Ev>(),
      evictor: CountEvictor.of(2, true),
      trigger: CountTrigger.of<Ev>(3),
    });
    for (let i = 1; i <= 6; i++) h.element(ev('a', i), i);
    expect(compact(h.take())).toEqual([`a${GLOBAL}=6@${MAX}`, `a${GLOBAL}=20@${MAX}`]); // 1+2+3, then 2+3+4+5+6
  });
});

describe('TimeEvictor', () => {
  it('evicts records at or before newest - ms, and leaves records without event time alone', () => {
    const elements = stamped(8, 1, 5, 7, 6);
    TimeEvictor.of<number>(3).evictBefore(elements, window, ctx);
    expect(elements.map((e) => e.timestamp)).toEqual([8, 7, 6]);
    const noTime = stamped(Number.NaN, Number.NaN);
    TimeEvictor.of<number>(3).evictBefore(noTime, window, ctx);
    expect(noTime).toHaveLength(2);
    expect(() => TimeEvictor.of(0)).toThrow(/TimeEvictor size must be a positive integer/);
  });

  it('makes a window aggregate only its last ms of records', () => {
    const { h } = windowHarness({
      assigner: TumblingEventTimeWindows.of<Ev>(10),
      evictor: TimeEvictor.of(3),
    });
    h.element(ev('a', 1), 1).element(ev('a', 2), 8).element(ev('a', 4), 5).element(ev('a', 8), 7);
    h.watermark(9);
    expect(compact(h.take())).toEqual(['a[0, 10)=10@9', 'wm:9']); // newest 8: ts 7 and 8 remain, 8 + 2
  });

  it('with doEvictAfter and allowed lateness, a late firing sees the kept records plus the late one', () => {
    const { h } = windowHarness({
      assigner: TumblingEventTimeWindows.of<Ev>(10),
      evictor: TimeEvictor.of(3, true),
      allowedLatenessMs: 10,
    });
    h.element(ev('a', 1), 1).element(ev('a', 2), 8).watermark(9);
    expect(compact(h.take())).toEqual(['a[0, 10)=3@9', 'wm:9']); // then ts 1 is evicted
    h.element(ev('a', 4), 2); // late, within lateness: fires with ts 8 and ts 2
    expect(compact(h.take())).toEqual(['a[0, 10)=6@9']);
    h.element(ev('a', 16), 9);
    expect(compact(h.take())).toEqual(['a[0, 10)=18@9']); // ts 2 was evicted after the last firing
  });

  it('works with early firings: each firing evicts what fell out of the last ms', () => {
    const { h } = windowHarness({
      assigner: TumblingEventTimeWindows.of<Ev>(100),
      evictor: TimeEvictor.of(20),
      trigger: ContinuousEventTimeTrigger.of<Ev>(25),
    });
    h.element(ev('a', 1), 0).element(ev('a', 2), 10).element(ev('a', 4), 30).watermark(25);
    expect(compact(h.take())).toEqual(['a[0, 100)=4@99', 'wm:25']); // newest 30: ts 0 and 10 go
    h.element(ev('a', 8), 40).watermark(50);
    expect(compact(h.take())).toEqual(['a[0, 100)=12@99', 'wm:50']);
  });
});
