import { describe, expect, it } from 'vitest';
import { OutputTag } from '../../../../services/engine/api/output-tag.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { EventTimeSessionWindows } from '../../../../services/engine/windows/assigners/event-time-session-windows.ts';
import { ProcessingTimeSessionWindows } from '../../../../services/engine/windows/assigners/processing-time-session-windows.ts';
import { CountEvictor } from '../../../../services/engine/windows/evictors/count-evictor.ts';
import { reduceAggregate } from '../../../../services/engine/windows/reduce-aggregate.ts';
import { ContinuousEventTimeTrigger } from '../../../../services/engine/windows/triggers/continuous-event-time-trigger.ts';
import { CountTrigger } from '../../../../services/engine/windows/triggers/count-trigger.ts';
import { PurgingTrigger } from '../../../../services/engine/windows/triggers/purging-trigger.ts';
import type { Trigger } from '../../../../services/engine/windows/triggers/trigger.ts';
import { TriggerResult } from '../../../../services/engine/windows/triggers/trigger.ts';
import { compact, type Ev, ev, windowHarness } from './window-test-kit.ts';

describe('event-time session windows', () => {
  it('merges the windows of each key that touch or overlap (Flink WindowOperatorTest.testSessionWindows)', () => {
    const { h, operator } = windowHarness({ assigner: EventTimeSessionWindows.withGap<Ev>(3000) });
    h.element(ev('key2', 1), 0).element(ev('key2', 2), 1000).element(ev('key2', 3), 2500);
    h.element(ev('key1', 1), 10).element(ev('key1', 2), 1000).element(ev('key1', 3), 2500);
    h.element(ev('key2', 4), 5501).element(ev('key2', 5), 6000).element(ev('key2', 5), 6000);
    h.element(ev('key2', 6), 6050);
    h.watermark(12000);
    expect(compact(h.take())).toEqual([
      'key2[0, 5500)=6@5499',
      'key1[10, 5500)=6@5499',
      'key2[5501, 9050)=20@9049',
      'wm:12000',
    ]);
    h.element(ev('key2', 10), 15000).element(ev('key2', 20), 15000);
    h.watermark(17999);
    expect(compact(h.take())).toEqual(['key2[15000, 18000)=30@17999', 'wm:17999']);
    expect(operator.metrics()).toMatchObject({ stateKeys: 0, stateEntries: 0 });
    expect(operator.pendingTimers).toEqual({ eventTime: 0, processingTime: 0 });
  });

  it('merges a record that bridges two sessions into one, and fires it once', () => {
    const { h } = windowHarness({ assigner: EventTimeSessionWindows.withGap<Ev>(10) });
    h.element(ev('a', 1), 0).element(ev('a', 2), 15).watermark(8); // [0, 10) and [15, 25)
    expect(compact(h.take())).toEqual(['wm:8']);
    h.element(ev('a', 4), 8); // [8, 18) touches both
    h.watermark(100);
    expect(compact(h.take())).toEqual(['a[0, 25)=7@24', 'wm:100']);
  });

  it('keeps touching windows apart only when there is a real gap (windows are [start, end))', () => {
    const { h } = windowHarness({ assigner: EventTimeSessionWindows.withGap<Ev>(10) });
    h.element(ev('a', 1), 0).element(ev('a', 2), 10).element(ev('a', 4), 21); // [0,10)+[10,20) touch; [21,31) not
    h.watermark(100);
    expect(compact(h.take())).toEqual(['a[0, 20)=3@19', 'a[21, 31)=4@30', 'wm:100']);
  });

  it('merges a late record into a fired session within the allowed lateness and fires it again', () => {
    const { h, operator } = windowHarness({
      assigner: EventTimeSessionWindows.withGap<Ev>(10),
      allowedLatenessMs: 5,
    });
    h.element(ev('a', 1), 1).watermark(10);
    expect(compact(h.take())).toEqual(['a[1, 11)=1@10', 'wm:10']);
    h.element(ev('a', 2), 0); // [0, 10) merges with the fired [1, 11): still ends at 11, so fires at once
    expect(compact(h.take())).toEqual(['a[0, 11)=3@10']);
    h.element(ev('a', 4), 8); // [8, 18) extends the session past the watermark: fires when it passes 17
    expect(compact(h.take())).toEqual([]);
    h.watermark(17);
    expect(compact(h.take())).toEqual(['a[0, 18)=7@17', 'wm:17']);
    h.watermark(22); // cleanup at 17 + 5
    h.element(ev('a', 8), 2); // [2, 12) is late and the session is gone
    expect(compact(h.take())).toEqual(['wm:22']);
    expect(operator.metrics().lateRecordsDropped).toBe(1);
    expect(operator.metrics()).toMatchObject({ stateKeys: 0, stateEntries: 0 });
  });

  it('merges a late record that is too late on its own into a live session (Flink testLateMergingWindows style)', () => {
    const late = new OutputTag<Ev>('late');
    const { h } = windowHarness({ assigner: EventTimeSessionWindows.withGap<Ev>(10), lateDataTag: late });
    h.element(ev('a', 1), 20).watermark(15);
    h.element(ev('a', 2), 12); // [12, 22) joins [20, 30)
    h.element(ev('a', 4), 3); // [3, 13) is late on its own (12 <= 15) but touches [12, 30): merges
    h.element(ev('a', 8), 1); // [1, 11) is late on its own too, and touches [3, 30)
    h.watermark(29);
    expect(compact(h.take())).toEqual(['wm:15', 'a[1, 30)=15@29', 'wm:29']);
    h.element(ev('a', 16), 2); // nothing to merge with any more: late
    expect(compact(h.take())).toEqual(['late:{"key":"a","value":16}@2']);
  });

  it('uses a gap per record with withDynamicGap (Flink DynamicEventTimeSessionWindows)', () => {
    const gapOf = (e: Ev) => (e.key === 'door' ? 5 : e.value * 10);
    const { h } = windowHarness({ assigner: EventTimeSessionWindows.withDynamicGap<Ev>(gapOf) });
    h.element(ev('door', 1), 0).element(ev('door', 1), 5).element(ev('door', 1), 11); // [0, 10) then [11, 16)
    h.element(ev('pump', 1), 0).element(ev('pump', 3), 8).element(ev('pump', 1), 30); // [0, 38): 8 + 30 > 30
    h.watermark(100);
    expect(compact(h.take())).toEqual(['door[0, 10)=2@9', 'door[11, 16)=1@15', 'pump[0, 40)=5@39', 'wm:100']);
  });

  it('merges count-trigger state with the windows: counts add up across a merge', () => {
    const { h } = windowHarness({
      assigner: EventTimeSessionWindows.withGap<Ev>(10),
      trigger: PurgingTrigger.of(CountTrigger.of<Ev>(3)),
    });
    h.element(ev('a', 1), 0).element(ev('a', 2), 15); // two sessions, one record each
    h.element(ev('a', 4), 8); // bridges them: count 1 + 1 + 1 = 3, fires and purges
    expect(compact(h.take())).toEqual(['a[0, 25)=7@24']);
    h.element(ev('a', 8), 20).element(ev('a', 16), 22); // each extends the session (a merge)
    expect(compact(h.take())).toEqual([]);
    h.element(ev('a', 32), 23);
    expect(compact(h.take())).toEqual(['a[0, 33)=56@32']);
    h.watermark(100); // the count trigger never fires on time: the session ends silently
    expect(compact(h.take())).toEqual(['wm:100']);
  });

  it('keeps the earliest pending early firing when sessions with continuous triggers merge', () => {
    const { h } = windowHarness({
      assigner: EventTimeSessionWindows.withGap<Ev>(100),
      trigger: ContinuousEventTimeTrigger.of<Ev>(50),
    });
    h.element(ev('a', 1), 10); // early firing at 50
    h.element(ev('a', 2), 160); // another session, early firing at 200
    h.watermark(49);
    expect(compact(h.take())).toEqual(['wm:49']);
    h.element(ev('a', 4), 105); // bridges [10, 110) and [160, 260): early firing at 50 survives
    h.watermark(50);
    expect(compact(h.take())).toEqual(['a[10, 260)=7@259', 'wm:50']);
    h.watermark(259);
    expect(compact(h.take())).toEqual([
      'a[10, 260)=7@259', // 100
      'a[10, 260)=7@259', // 150
      'a[10, 260)=7@259', // 200
      'a[10, 260)=7@259', // 250
      'a[10, 260)=7@259', // the end, 259
      'wm:259',
    ]);
  });

  it('concatenates the records of merged sessions when the window has an evictor', () => {
    const { h } = windowHarness({
      assigner: EventTimeSessionWindows.withGap<Ev>(10),
      evictor: CountEvictor.of(2),
    });
    h.element(ev('a', 1), 0).element(ev('a', 2), 5).element(ev('a', 4), 20).element(ev('a', 8), 12);
    h.watermark(100);
    expect(compact(h.take())).toEqual(['a[0, 30)=12@29', 'wm:100']); // the last two records: 4 + 8
  });

  it('merges reduce accumulators, including empty (purged) ones', () => {
    const { h } = windowHarness({
      assigner: EventTimeSessionWindows.withGap<Ev>(10),
      trigger: PurgingTrigger.of(CountTrigger.of<Ev>(2)),
      aggregate: reduceAggregate<Ev>((a, b) => ({ key: a.key, value: Math.max(a.value, b.value) })) as never,
      result: (key, window, max) => `${key}${window}=${(max as unknown as Ev).value}`,
    });
    h.element(ev('a', 5), 0).element(ev('a', 3), 2); // fires max 5, purges
    h.element(ev('a', 9), 22); // another session: [22, 32)
    h.element(ev('a', 1), 12); // bridges the purged [0, 12) and [22, 32): counts 0 + 1 + 1, fires max(9, 1)
    expect(compact(h.take())).toEqual(['a[0, 12)=5@11', 'a[0, 32)=9@31']);
  });

  it('rejects a trigger that cannot merge', () => {
    const nonMerging: Trigger<Ev> = {
      onElement: () => TriggerResult.CONTINUE,
      onEventTime: () => TriggerResult.CONTINUE,
      onProcessingTime: () => TriggerResult.CONTINUE,
      clear: () => {},
    };
    expect(() =>
      windowHarness({ assigner: EventTimeSessionWindows.withGap<Ev>(10), trigger: nonMerging }),
    ).toThrow(/merges windows \(sessions\), so its trigger must merge too/);
  });
});

describe('processing-time session windows', () => {
  it('merges on the clock and fires when a key was silent for the gap', () => {
    const clock = new ManualClock(1000);
    const { h, operator } = windowHarness({ assigner: ProcessingTimeSessionWindows.withGap<Ev>(100), clock });
    h.element(ev('a', 1), Number.NaN).element(ev('b', 2), Number.NaN); // [1000, 1100) each
    clock.advanceTo(1050);
    h.element(ev('a', 4), Number.NaN); // [1050, 1150) merges: a's session now ends at 1150
    clock.advanceTo(1099);
    expect(compact(h.take())).toEqual(['b[1000, 1100)=2@1099']);
    clock.advanceTo(1149);
    expect(compact(h.take())).toEqual(['a[1000, 1150)=5@1149']);
    expect(operator.pendingTimers).toEqual({ eventTime: 0, processingTime: 0 });
    expect(clock.pendingCount()).toBe(0);
    expect(operator.metrics()).toMatchObject({ stateKeys: 0, stateEntries: 0 });
  });
});
