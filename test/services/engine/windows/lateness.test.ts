import { describe, expect, it } from 'vitest';
import { OutputTag } from '../../../../services/engine/api/output-tag.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { EventTimeSessionWindows } from '../../../../services/engine/windows/assigners/event-time-session-windows.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { TumblingProcessingTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-processing-time-windows.ts';
import { EventTimeTrigger } from '../../../../services/engine/windows/triggers/event-time-trigger.ts';
import { PurgingTrigger } from '../../../../services/engine/windows/triggers/purging-trigger.ts';
import { compact, type Ev, ev, windowHarness } from './window-test-kit.ts';

describe('allowed lateness and late data', () => {
  it('re-fires a window for each late record within the lateness, then sends later ones to the side output', () => {
    const late = new OutputTag<Ev>('late');
    const { h, operator } = windowHarness({
      assigner: TumblingEventTimeWindows.of<Ev>(10),
      allowedLatenessMs: 5,
      lateDataTag: late,
    });
    h.element(ev('a', 1), 2).element(ev('b', 10), 3).watermark(9);
    expect(compact(h.take())).toEqual(['a[0, 10)=1@9', 'b[0, 10)=10@9', 'wm:9']);
    h.element(ev('a', 2), 4); // late, within lateness: the window fires again with the update
    h.element(ev('a', 4), 0);
    expect(compact(h.take())).toEqual(['a[0, 10)=3@9', 'a[0, 10)=7@9']);
    h.watermark(13);
    h.element(ev('b', 20), 9); // still within: 9 + 5 > 13
    expect(compact(h.take())).toEqual(['wm:13', 'b[0, 10)=30@9']);
    h.watermark(14); // cleanup time of [0, 10): 9 + 5
    h.element(ev('a', 8), 5).element(ev('b', 40), 9); // too late: side output, with their own timestamps
    h.element(ev('a', 16), 14); // on time for [10, 20)
    h.watermark(19);
    expect(compact(h.take())).toEqual([
      'wm:14',
      'late:{"key":"a","value":8}@5',
      'late:{"key":"b","value":40}@9',
      'a[10, 20)=16@19',
      'wm:19',
    ]);
    expect(operator.metrics().lateRecordsDropped).toBe(0);
  });

  it('drops and counts records too late for all their windows when there is no side output', () => {
    const { h, operator } = windowHarness({
      assigner: TumblingEventTimeWindows.of<Ev>(10),
      allowedLatenessMs: 5,
    });
    h.element(ev('a', 1), 2).watermark(14);
    h.element(ev('a', 2), 3).element(ev('a', 2), 9);
    h.element(ev('a', 4), 10); // on time
    expect(compact(h.take())).toEqual(['a[0, 10)=1@9', 'wm:14']);
    expect(operator.metrics()).toMatchObject({ lateRecordsDropped: 2, recordsIn: 4, recordsOut: 1 });
  });

  it('lets a record re-open a purged, cleaned session when its own window is not late (Flink testDropDueToLatenessSessionZeroLatenessPurgingTrigger)', () => {
    const { h, operator } = windowHarness({
      assigner: EventTimeSessionWindows.withGap<Ev>(10),
      trigger: PurgingTrigger.of(EventTimeTrigger.create<Ev>()),
    });
    h.element(ev('a', 1), 0).watermark(9);
    expect(compact(h.take())).toEqual(['a[0, 10)=1@9', 'wm:9']);
    h.element(ev('a', 2), 5); // [5, 15) is not late (14 > 9): a new session
    h.element(ev('a', 4), -6); // [-6, 4) is late (3 <= 9) and touches nothing ([-5, 5) would merge)
    h.watermark(14);
    expect(compact(h.take())).toEqual(['a[5, 15)=2@14', 'wm:14']);
    expect(operator.metrics().lateRecordsDropped).toBe(1);
  });

  it('re-fires a purged window with only the late records, then cleans it up (Flink testCleanupTimerWithEmptyReduceStateForTumblingWindows)', () => {
    const { h, operator } = windowHarness({
      assigner: TumblingEventTimeWindows.of<Ev>(10),
      trigger: PurgingTrigger.of(EventTimeTrigger.create<Ev>()),
      allowedLatenessMs: 5,
    });
    h.element(ev('a', 1), 1).element(ev('a', 2), 2).watermark(9);
    expect(compact(h.take())).toEqual(['a[0, 10)=3@9', 'wm:9']);
    expect(operator.metrics().stateEntries).toBe(1); // purged, but the window lives until 9 + 5
    h.element(ev('a', 4), 3);
    expect(compact(h.take())).toEqual(['a[0, 10)=4@9']);
    h.watermark(14);
    expect(compact(h.take())).toEqual(['wm:14']);
    expect(operator.metrics()).toMatchObject({ stateKeys: 0, stateEntries: 0 });
    expect(operator.pendingTimers).toEqual({ eventTime: 0, processingTime: 0 });
  });

  it('does not apply to processing-time windows: they close on the clock, nothing is late', () => {
    const clock = new ManualClock(0);
    const { h, operator } = windowHarness({
      assigner: TumblingProcessingTimeWindows.of<Ev>(10),
      allowedLatenessMs: 1000,
      clock,
    });
    h.watermark(1_000_000).element(ev('a', 1), 0);
    clock.advanceTo(9);
    expect(compact(h.take())).toEqual(['wm:1000000', 'a[0, 10)=1@9']);
    expect(operator.metrics()).toMatchObject({ lateRecordsDropped: 0, stateKeys: 0 });
  });
});
