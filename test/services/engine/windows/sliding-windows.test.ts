import { describe, expect, it } from 'vitest';
import { OutputTag } from '../../../../services/engine/api/output-tag.ts';
import { SlidingEventTimeWindows } from '../../../../services/engine/windows/assigners/sliding-event-time-windows.ts';
import { compact, type Ev, ev, windowHarness } from './window-test-kit.ts';

describe('sliding event-time windows (Flink WindowOperatorTest.testSlidingEventTimeWindows)', () => {
  it('fires each window of each key once the watermark reaches end - 1, records given out of order', () => {
    const { h, operator } = windowHarness({ assigner: SlidingEventTimeWindows.of<Ev>(3000, 1000) });
    h.element(ev('key2'), 3999).element(ev('key2'), 3000);
    h.element(ev('key1'), 20).element(ev('key1'), 0).element(ev('key1'), 999);
    h.element(ev('key2'), 1998).element(ev('key2'), 1999).element(ev('key2'), 1000);

    h.watermark(999);
    expect(compact(h.take())).toEqual(['key1[-2000, 1000)=3@999', 'wm:999']);
    h.watermark(1999);
    expect(compact(h.take())).toEqual(['key1[-1000, 2000)=3@1999', 'key2[-1000, 2000)=3@1999', 'wm:1999']);
    h.watermark(2999);
    expect(compact(h.take())).toEqual(['key1[0, 3000)=3@2999', 'key2[0, 3000)=3@2999', 'wm:2999']);
    h.watermark(3999);
    expect(compact(h.take())).toEqual(['key2[1000, 4000)=5@3999', 'wm:3999']);
    h.watermark(4999);
    expect(compact(h.take())).toEqual(['key2[2000, 5000)=2@4999', 'wm:4999']);
    h.watermark(5999);
    expect(compact(h.take())).toEqual(['key2[3000, 6000)=2@5999', 'wm:5999']);
    h.watermark(6999).watermark(7999);
    expect(compact(h.take())).toEqual(['wm:6999', 'wm:7999']);
    expect(operator.metrics()).toMatchObject({ stateKeys: 0, stateEntries: 0, lateRecordsDropped: 0 });
    expect(operator.pendingTimers).toEqual({ eventTime: 0, processingTime: 0 });
  });

  it('adds a record late for some of its windows to the others, and drops one late for all of them', () => {
    const { h, operator } = windowHarness({ assigner: SlidingEventTimeWindows.of<Ev>(3000, 1000) });
    h.element(ev('a'), 1000).watermark(1999);
    expect(compact(h.take())).toEqual(['a[-1000, 2000)=1@1999', 'wm:1999']);
    h.element(ev('a', 10), 500); // [-2000, 1000) and [-1000, 2000) are gone; [0, 3000) takes it
    h.watermark(2999);
    expect(compact(h.take())).toEqual(['a[0, 3000)=11@2999', 'wm:2999']);
    h.element(ev('a', 100), 100); // late for all three of its windows
    h.watermark(3999);
    expect(compact(h.take())).toEqual(['a[1000, 4000)=1@3999', 'wm:3999']);
    expect(operator.metrics().lateRecordsDropped).toBe(1);
  });

  it('re-fires every window still within the allowed lateness for a late record, then side-outputs later ones', () => {
    const late = new OutputTag<Ev>('late');
    const { h, operator } = windowHarness({
      assigner: SlidingEventTimeWindows.of<Ev>(20, 10),
      allowedLatenessMs: 10,
      lateDataTag: late,
    });
    h.element(ev('a'), 5).element(ev('a'), 15).watermark(19);
    expect(compact(h.take())).toEqual(['a[-10, 10)=1@9', 'a[0, 20)=2@19', 'wm:19']);
    // late, in [0, 20) (fired, cleanup at 29) and [-10, 10) (cleaned up at 19): re-fires [0, 20) only
    h.element(ev('a', 100), 8);
    expect(compact(h.take())).toEqual(['a[0, 20)=102@19']);
    h.watermark(29);
    expect(compact(h.take())).toEqual(['a[10, 30)=1@29', 'wm:29']);
    h.element(ev('a', 1000), 18); // [0, 20) is cleaned up now; [10, 30) fired and within lateness
    expect(compact(h.take())).toEqual(['a[10, 30)=1001@29']);
    h.watermark(39);
    h.element(ev('a', 7), 19); // too late for [0, 20) and [10, 30): to the side output, not counted
    expect(compact(h.take())).toEqual(['wm:39', 'late:{"key":"a","value":7}@19']);
    expect(operator.metrics().lateRecordsDropped).toBe(0);
  });
});
