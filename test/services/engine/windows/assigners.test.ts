import { describe, expect, it } from 'vitest';
import { MAX_WATERMARK } from '../../../../services/engine/time/watermark.ts';
import { EventTimeSessionWindows } from '../../../../services/engine/windows/assigners/event-time-session-windows.ts';
import {
  GLOBAL_WINDOW,
  GlobalWindows,
} from '../../../../services/engine/windows/assigners/global-windows.ts';
import { ProcessingTimeSessionWindows } from '../../../../services/engine/windows/assigners/processing-time-session-windows.ts';
import { SlidingEventTimeWindows } from '../../../../services/engine/windows/assigners/sliding-event-time-windows.ts';
import { SlidingProcessingTimeWindows } from '../../../../services/engine/windows/assigners/sliding-processing-time-windows.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { TumblingProcessingTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-processing-time-windows.ts';
import {
  isMergingAssigner,
  type WindowAssignerContext,
} from '../../../../services/engine/windows/assigners/window-assigner.ts';
import { TimeWindow } from '../../../../services/engine/windows/time-window.ts';
import { EventTimeTrigger } from '../../../../services/engine/windows/triggers/event-time-trigger.ts';
import { NeverTrigger } from '../../../../services/engine/windows/triggers/never-trigger.ts';
import { ProcessingTimeTrigger } from '../../../../services/engine/windows/triggers/processing-time-trigger.ts';

const at = (now: number): WindowAssignerContext => ({ currentProcessingTime: () => now });
const noClock: WindowAssignerContext = {
  currentProcessingTime: () => {
    throw new Error('event-time assigners must not read the clock');
  },
};
const bounds = (windows: readonly TimeWindow[]) => windows.map((w) => [w.start, w.end]);

describe('SlidingEventTimeWindows', () => {
  it('assigns size/slide windows, latest first (Flink SlidingEventTimeWindowsTest)', () => {
    const assigner = SlidingEventTimeWindows.of(5000, 1000);
    expect(bounds(assigner.assignWindows(null, 0, noClock))).toEqual([
      [0, 5000],
      [-1000, 4000],
      [-2000, 3000],
      [-3000, 2000],
      [-4000, 1000],
    ]);
    expect(bounds(assigner.assignWindows(null, 4999, noClock))).toEqual([
      [4000, 9000],
      [3000, 8000],
      [2000, 7000],
      [1000, 6000],
      [0, 5000],
    ]);
    expect(bounds(assigner.assignWindows(null, 5000, noClock))).toEqual([
      [5000, 10000],
      [4000, 9000],
      [3000, 8000],
      [2000, 7000],
      [1000, 6000],
    ]);
  });

  it('applies the offset, handles negative timestamps, sizes that are not a multiple of the slide, and gaps', () => {
    expect(bounds(SlidingEventTimeWindows.of(5000, 1000, 100).assignWindows(null, 100, noClock))[0]).toEqual([
      100, 5100,
    ]);
    expect(bounds(SlidingEventTimeWindows.of(4, 2).assignWindows(null, -3, noClock))).toEqual([
      [-4, 0],
      [-6, -2],
    ]);
    const uneven = SlidingEventTimeWindows.of(10, 3);
    expect(bounds(uneven.assignWindows(null, 9, noClock))).toEqual([
      [9, 19],
      [6, 16],
      [3, 13],
      [0, 10],
    ]);
    expect(bounds(uneven.assignWindows(null, 10, noClock))).toEqual([
      [9, 19],
      [6, 16],
      [3, 13],
    ]);
    const gappy = SlidingEventTimeWindows.of(2, 5); // [0,2) [5,7) [10,12)…
    expect(bounds(gappy.assignWindows(null, 6, noClock))).toEqual([[5, 7]]);
    expect(gappy.assignWindows(null, 3, noClock)).toEqual([]);
  });

  it('reuses the window list for records of the same windows (no allocation per record)', () => {
    const assigner = SlidingEventTimeWindows.of(3000, 1000);
    const first = assigner.assignWindows(null, 1500, noClock);
    expect(assigner.assignWindows(null, 1999, noClock)).toBe(first);
    const next = assigner.assignWindows(null, 2500, noClock);
    expect(assigner.assignWindows(null, 1000, noClock)).toBe(first); // out of order: the previous list
    expect(assigner.assignWindows(null, 2000, noClock)).toBe(next);
  });

  it('validates its parameters and needs event time', () => {
    expect(() => SlidingEventTimeWindows.of(0, 1000)).toThrow(/window size must be a positive integer/);
    expect(() => SlidingEventTimeWindows.of(1000, 0)).toThrow(/window slide must be a positive integer/);
    expect(() => SlidingEventTimeWindows.of(1000, 100, 100)).toThrow(/\|offset\| < slide \(100 ms\)/);
    expect(() => SlidingEventTimeWindows.of(1000, 100, -100)).toThrow(/offset/);
    expect(() => SlidingEventTimeWindows.of(1000.5, 100)).toThrow(/size/);
    expect(() => SlidingEventTimeWindows.of(1000, 100).assignWindows(null, Number.NaN, noClock)).toThrow(
      /WatermarkStrategy/,
    );
    const assigner = SlidingEventTimeWindows.of(60_000, 10_000);
    expect(assigner.isEventTime()).toBe(true);
    expect(assigner.defaultTrigger()).toBe(EventTimeTrigger.create());
    expect(assigner.label).toBe('1m/10s');
  });
});

describe('processing-time windows', () => {
  it('TumblingProcessingTimeWindows assigns by the clock, not the record timestamp', () => {
    const assigner = TumblingProcessingTimeWindows.of(5000);
    expect(bounds(assigner.assignWindows(null, 123, at(7000)))).toEqual([[5000, 10000]]);
    expect(bounds(TumblingProcessingTimeWindows.of(5000, 100).assignWindows(null, 0, at(100)))).toEqual([
      [100, 5100],
    ]);
    expect(assigner.isEventTime()).toBe(false);
    expect(assigner.defaultTrigger()).toBe(ProcessingTimeTrigger.create());
    expect(() => TumblingProcessingTimeWindows.of(-1)).toThrow(/size/);
    expect(() => TumblingProcessingTimeWindows.of(10, 10)).toThrow(/\|offset\| < size/);
  });

  it('SlidingProcessingTimeWindows assigns every window holding the clock time', () => {
    const assigner = SlidingProcessingTimeWindows.of(5000, 1000);
    expect(bounds(assigner.assignWindows(null, Number.NaN, at(4999)))).toEqual([
      [4000, 9000],
      [3000, 8000],
      [2000, 7000],
      [1000, 6000],
      [0, 5000],
    ]);
    expect(assigner.isEventTime()).toBe(false);
    expect(() => SlidingProcessingTimeWindows.of(5000, 1000, 1000)).toThrow(/offset/);
  });
});

describe('session windows', () => {
  it('EventTimeSessionWindows opens [t, t + gap) per record and merges what touches or overlaps', () => {
    const assigner = EventTimeSessionWindows.withGap(5000);
    expect(bounds(assigner.assignWindows(null, 1000, noClock))).toEqual([[1000, 6000]]);
    expect(isMergingAssigner(assigner)).toBe(true);
    expect(assigner.label).toBe('5s-session');
    const merges: [number[][], number[]][] = [];
    assigner.mergeWindows(
      [
        new TimeWindow(0, 1),
        new TimeWindow(1, 2),
        new TimeWindow(2, 3),
        new TimeWindow(4, 5),
        new TimeWindow(5, 6),
        new TimeWindow(10, 11),
      ],
      (toBeMerged, result) => merges.push([bounds(toBeMerged), [result.start, result.end]]),
    );
    expect(merges).toEqual([
      [
        [
          [0, 1],
          [1, 2],
          [2, 3],
        ],
        [0, 3],
      ],
      [
        [
          [4, 5],
          [5, 6],
        ],
        [4, 6],
      ],
    ]);
  });

  it('takes a gap per record with withDynamicGap and rejects a gap that is not positive', () => {
    const assigner = EventTimeSessionWindows.withDynamicGap((e: { gap: number }) => e.gap);
    expect(bounds(assigner.assignWindows({ gap: 10 }, 5, noClock))).toEqual([[5, 15]]);
    expect(bounds(assigner.assignWindows({ gap: 3 }, 5, noClock))).toEqual([[5, 8]]);
    expect(() => assigner.assignWindows({ gap: 0 }, 5, noClock)).toThrow(/gap > 0 for every record/);
    expect(() => EventTimeSessionWindows.withGap(0)).toThrow(/session gap must be a positive integer/);
    expect(() => EventTimeSessionWindows.withGap(-5)).toThrow(/session gap/);
  });

  it('ProcessingTimeSessionWindows opens [now, now + gap)', () => {
    expect(bounds(ProcessingTimeSessionWindows.withGap(100).assignWindows(null, 5, at(1000)))).toEqual([
      [1000, 1100],
    ]);
    const dynamic = ProcessingTimeSessionWindows.withDynamicGap((gap: number) => gap);
    expect(bounds(dynamic.assignWindows(20, 5, at(1000)))).toEqual([[1000, 1020]]);
    expect(dynamic.isEventTime()).toBe(false);
    expect(isMergingAssigner(dynamic)).toBe(true);
  });
});

describe('GlobalWindows', () => {
  it('puts everything into the one global window, whose end is the end of time, and never fires by default', () => {
    const assigner = GlobalWindows.create();
    expect(assigner.assignWindows()).toEqual([GLOBAL_WINDOW]);
    expect(GLOBAL_WINDOW.maxTimestamp()).toBe(MAX_WATERMARK);
    expect(assigner.defaultTrigger()).toBe(NeverTrigger.create());
    expect(assigner.isEventTime()).toBe(false);
    expect(isMergingAssigner(assigner)).toBe(false);
    expect(isMergingAssigner(TumblingEventTimeWindows.of(10))).toBe(false);
  });
});

describe('TumblingEventTimeWindows', () => {
  it('assigns the window holding the timestamp, for records in and out of order and across windows', () => {
    const windows = TumblingEventTimeWindows.of(10, 3);
    const assign = (ts: number) => bounds(windows.assignWindows(null, ts, noClock));
    // in the last window, in the one before (the range checks), in a new one, exactly on the edges
    const cases: [number, number[]][] = [
      [5, [3, 13]],
      [12, [3, 13]],
      [13, [13, 23]],
      [12.5, [3, 13]],
      [3, [3, 13]],
      [22.999, [13, 23]],
      [-8, [-17, -7]],
      [1_700_000_000_000, [1_699_999_999_993, 1_700_000_000_003]],
      [2, [-7, 3]],
    ];
    for (const [ts, expected] of cases) expect(assign(ts), `ts ${ts}`).toEqual([expected]);
    expect(() => windows.assignWindows(null, Number.NaN, noClock)).toThrow(/no event time/);
  });
});
