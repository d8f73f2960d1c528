import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { MAX_WATERMARK } from '../../../../services/engine/time/watermark.ts';
import { GlobalWindows } from '../../../../services/engine/windows/assigners/global-windows.ts';
import { SlidingProcessingTimeWindows } from '../../../../services/engine/windows/assigners/sliding-processing-time-windows.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { TumblingProcessingTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-processing-time-windows.ts';
import { TimeWindow } from '../../../../services/engine/windows/time-window.ts';
import { ContinuousEventTimeTrigger } from '../../../../services/engine/windows/triggers/continuous-event-time-trigger.ts';
import { ContinuousProcessingTimeTrigger } from '../../../../services/engine/windows/triggers/continuous-processing-time-trigger.ts';
import { CountTrigger } from '../../../../services/engine/windows/triggers/count-trigger.ts';
import { NeverTrigger } from '../../../../services/engine/windows/triggers/never-trigger.ts';
import { ProcessingTimeTrigger } from '../../../../services/engine/windows/triggers/processing-time-trigger.ts';
import { PurgingTrigger } from '../../../../services/engine/windows/triggers/purging-trigger.ts';
import {
  type Trigger,
  type TriggerContext,
  TriggerResult,
} from '../../../../services/engine/windows/triggers/trigger.ts';
import { compact, type Ev, ev, windowHarness } from './window-test-kit.ts';

const MAX = MAX_WATERMARK;

describe('ProcessingTimeTrigger', () => {
  it('fires processing-time windows on the clock; record timestamps are ignored (Flink testProcessingTimeTumblingWindows)', () => {
    const clock = new ManualClock(3);
    const { h, operator } = windowHarness({ assigner: TumblingProcessingTimeWindows.of<Ev>(3000), clock });
    h.element(ev('key2'), MAX).element(ev('key2'), 7000).element(ev('key2'), 7000);
    h.element(ev('key1'), 7000).element(ev('key1'), 7000);
    // one timer per key and window, however many records: deduplicated; one clock timer for both keys
    expect(operator.pendingTimers).toEqual({ eventTime: 0, processingTime: 2 });
    expect(clock.pendingCount()).toBe(1);
    clock.advanceTo(5000);
    expect(compact(h.take())).toEqual(['key2[0, 3000)=3@2999', 'key1[0, 3000)=2@2999']);
    h.element(ev('key1'), 7000).element(ev('key1'), 7000).element(ev('key1'), 7000);
    clock.advanceTo(7000);
    expect(compact(h.take())).toEqual(['key1[3000, 6000)=3@5999']);
    h.watermark(10); // watermarks still pass through a processing-time window operator
    expect(compact(h.take())).toEqual(['wm:10']);
    expect(operator.metrics()).toMatchObject({ stateKeys: 0, stateEntries: 0 });
  });

  it('fires sliding processing-time windows (Flink testProcessingTimeSlidingWindows)', () => {
    const clock = new ManualClock(3);
    const { h } = windowHarness({ assigner: SlidingProcessingTimeWindows.of<Ev>(3000, 1000), clock });
    h.element(ev('key2'), MAX);
    clock.advanceTo(1000);
    expect(compact(h.take())).toEqual(['key2[-2000, 1000)=1@999']);
    h.element(ev('key2'), MAX).element(ev('key2'), MAX);
    clock.advanceTo(2000);
    expect(compact(h.take())).toEqual(['key2[-1000, 2000)=3@1999']);
    h.element(ev('key1'), MAX).element(ev('key1'), MAX);
    clock.advanceTo(3000);
    expect(compact(h.take())).toEqual(['key2[0, 3000)=3@2999', 'key1[0, 3000)=2@2999']);
    clock.advanceTo(7000);
    expect(compact(h.take())).toEqual([
      'key2[1000, 4000)=2@3999',
      'key1[1000, 4000)=2@3999',
      'key1[2000, 5000)=2@4999',
    ]);
  });

  it('needs a context with processing-time timers, and says so', () => {
    const bare: TriggerContext = {
      currentWatermark: 0,
      registerEventTimeTimer() {},
      deleteEventTimeTimer() {},
    };
    expect(() => ProcessingTimeTrigger.create().onElement(null, 0, new TimeWindow(0, 10), bare)).toThrow(
      /ProcessingTimeTrigger needs processing time, processing-time timers and window state/,
    );
  });
});

describe('CountTrigger', () => {
  it('fires every n records of a window, counting per key and window in window state', () => {
    const { h, operator } = windowHarness({
      assigner: TumblingEventTimeWindows.of<Ev>(10),
      trigger: CountTrigger.of<Ev>(2),
    });
    h.element(ev('a', 1), 1).element(ev('a', 10), 11).element(ev('b', 100), 2); // one each in 3 windows
    expect(compact(h.take())).toEqual([]);
    h.element(ev('a', 2), 3);
    expect(compact(h.take())).toEqual(['a[0, 10)=3@9']);
    h.element(ev('a', 20), 12);
    expect(compact(h.take())).toEqual(['a[10, 20)=30@19']);
    h.element(ev('a', 4), 5).element(ev('a', 8), 6); // not purged: the sum goes on
    expect(compact(h.take())).toEqual(['a[0, 10)=15@9']);
    h.watermark(100); // never fires on time; cleanup drops the windows and their counts
    expect(compact(h.take())).toEqual(['wm:100']);
    expect(operator.metrics()).toMatchObject({ stateKeys: 0, stateEntries: 0 });
  });

  it('is what countWindow(n) is made of: GlobalWindows + PurgingTrigger(CountTrigger(n))', () => {
    const { h, operator } = windowHarness({
      assigner: GlobalWindows.create<Ev>(),
      trigger: PurgingTrigger.of(CountTrigger.of<Ev>(3)),
    });
    for (let i = 1; i <= 7; i++) h.element(ev('a', i), i);
    h.element(ev('b', 100), 0);
    expect(compact(h.take())).toEqual([
      `a[${-MAX}, ${MAX + 1})=6@${MAX}`,
      `a[${-MAX}, ${MAX + 1})=15@${MAX}`,
    ]);
    h.watermark(MAX); // the end of input fires nothing: a global window only fires on its trigger
    expect(compact(h.take())).toEqual([`wm:${MAX}`]);
    expect(operator.pendingTimers).toEqual({ eventTime: 0, processingTime: 0 });
    expect(() => CountTrigger.of(0)).toThrow(/positive integer count/);
  });
});

describe('ContinuousEventTimeTrigger', () => {
  it('fires the window so far every interval of event time, then at its end', () => {
    const { h, operator } = windowHarness({
      assigner: TumblingEventTimeWindows.of<Ev>(10_000),
      trigger: ContinuousEventTimeTrigger.of<Ev>(2_000),
    });
    h.element(ev('a', 1), 500).element(ev('a', 2), 2500);
    h.watermark(2000);
    expect(compact(h.take())).toEqual(['a[0, 10000)=3@9999', 'wm:2000']);
    h.watermark(5000); // 4000: nothing new, fires the same result again (not purging)
    expect(compact(h.take())).toEqual(['a[0, 10000)=3@9999', 'wm:5000']);
    h.element(ev('a', 4), 7000).watermark(9999); // 6000, 8000, then the end (9999) once
    expect(compact(h.take())).toEqual([
      'a[0, 10000)=7@9999',
      'a[0, 10000)=7@9999',
      'a[0, 10000)=7@9999',
      'wm:9999',
    ]);
    expect(operator.pendingTimers).toEqual({ eventTime: 0, processingTime: 0 });
    expect(operator.metrics()).toMatchObject({ stateKeys: 0, stateEntries: 0 });
  });

  it('with PurgingTrigger emits only what arrived since the last firing, and nothing when nothing did', () => {
    const { h } = windowHarness({
      assigner: TumblingEventTimeWindows.of<Ev>(10_000),
      trigger: PurgingTrigger.of(ContinuousEventTimeTrigger.of<Ev>(2_000)),
    });
    h.element(ev('a', 1), 500).element(ev('a', 2), 2500).watermark(2000);
    expect(compact(h.take())).toEqual(['a[0, 10000)=3@9999', 'wm:2000']);
    h.watermark(5000);
    expect(compact(h.take())).toEqual(['wm:5000']);
    h.element(ev('a', 4), 7000).watermark(20_000);
    expect(compact(h.take())).toEqual(['a[0, 10000)=4@9999', 'wm:20000']);
  });
});

describe('ContinuousProcessingTimeTrigger', () => {
  it('fires every interval of the clock while the window lives, the last time at its end, then stops', () => {
    const clock = new ManualClock(1000);
    const { h, operator } = windowHarness({
      assigner: TumblingProcessingTimeWindows.of<Ev>(10_000),
      trigger: ContinuousProcessingTimeTrigger.of<Ev>(3_000),
      clock,
    });
    h.element(ev('a', 1), Number.NaN);
    clock.advanceTo(3000);
    expect(compact(h.take())).toEqual(['a[0, 10000)=1@9999']);
    clock.advanceTo(4000);
    h.element(ev('a', 2), Number.NaN);
    clock.advanceTo(6000);
    expect(compact(h.take())).toEqual(['a[0, 10000)=3@9999']);
    clock.advanceTo(20_000); // 9000, then the end: 9999
    expect(compact(h.take())).toEqual(['a[0, 10000)=3@9999', 'a[0, 10000)=3@9999']);
    expect(operator.pendingTimers).toEqual({ eventTime: 0, processingTime: 0 });
    expect(clock.pendingCount()).toBe(0);
    expect(operator.metrics()).toMatchObject({ stateKeys: 0, stateEntries: 0 });
  });

  it('gives early results of a global window with PurgingTrigger; rounds with nothing new emit nothing', () => {
    const clock = new ManualClock(0);
    const { h } = windowHarness({
      assigner: GlobalWindows.create<Ev>(),
      trigger: PurgingTrigger.of(ContinuousProcessingTimeTrigger.of<Ev>(1_000)),
      clock,
    });
    h.element(ev('a', 1), 0).element(ev('a', 2), 0);
    clock.advanceTo(1000);
    h.element(ev('a', 4), 0);
    clock.advanceTo(2500);
    clock.advanceTo(5000); // 3000, 4000, 5000: nothing new since 2000, nothing emitted
    expect(compact(h.take())).toEqual([`a[${-MAX}, ${MAX + 1})=3@${MAX}`, `a[${-MAX}, ${MAX + 1})=4@${MAX}`]);
  });
});

describe('NeverTrigger and PurgingTrigger', () => {
  it('NeverTrigger (the default of GlobalWindows) never fires', () => {
    const { h } = windowHarness({ assigner: GlobalWindows.create<Ev>() });
    h.element(ev('a'), 1).element(ev('a'), 2).watermark(MAX);
    expect(compact(h.take())).toEqual([`wm:${MAX}`]);
    expect(NeverTrigger.create().onElement(null, 0, new TimeWindow(0, 1), {} as TriggerContext)).toBe(
      TriggerResult.CONTINUE,
    );
  });

  it('PurgingTrigger turns FIRE into FIRE_AND_PURGE and passes everything else through', () => {
    const fires: Trigger<null> = {
      onElement: () => TriggerResult.FIRE,
      onEventTime: () => TriggerResult.CONTINUE,
      onProcessingTime: () => TriggerResult.CONTINUE,
      clear: () => {},
    };
    const ctx = {} as TriggerContext;
    const window = new TimeWindow(0, 1);
    expect(PurgingTrigger.of(fires).onElement(null, 0, window, ctx)).toBe(TriggerResult.FIRE_AND_PURGE);
    expect(PurgingTrigger.of(NeverTrigger.create()).onEventTime(0, window, ctx)).toBe(TriggerResult.CONTINUE);
    expect(PurgingTrigger.of(CountTrigger.of(2)).canMerge()).toBe(true);
    expect(String(PurgingTrigger.of(CountTrigger.of(2)))).toBe('PurgingTrigger(CountTrigger(2))');
  });
});
