import { describe, expect, it } from 'vitest';
import { summaryStats } from '../../../../services/engine/aggregates/summary-stats.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { WindowOperator } from '../../../../services/engine/windows/window-operator.ts';
import { OperatorHarness } from '../../../support/operator-harness.ts';

interface Event {
  key: string;
  value: number;
}

function tumblingSum(sizeMs: number, allowedLatenessMs = 0) {
  const stats = summaryStats((e: Event) => e.value);
  const operator = new WindowOperator({
    name: 'window',
    keySelector: (e: Event) => e.key,
    assigner: TumblingEventTimeWindows.of<Event>(sizeMs),
    trigger: TumblingEventTimeWindows.of<Event>(sizeMs).defaultTrigger(),
    aggregate: stats,
    resultFunction: (key, window, s) =>
      `${key}@${window.start}-${window.end}: n=${s.count} sum=${s.mean * s.count}`,
    allowedLatenessMs,
  });
  return new OperatorHarness(operator);
}

const e = (key: string, value: number): Event => ({ key, value });

describe('WindowOperator with tumbling event-time windows', () => {
  it('fires each key window once the watermark reaches end - 1, stamped end - 1, then forwards the watermark', () => {
    const h = tumblingSum(10);
    h.element(e('a', 1), 3).element(e('b', 10), 9).element(e('a', 2), 1).element(e('a', 5), 12);
    h.watermark(8);
    expect(h.take()).toEqual([{ watermark: 8 }]);
    h.watermark(9);
    expect(h.take()).toEqual([
      { record: 'a@0-10: n=2 sum=3', timestamp: 9 },
      { record: 'b@0-10: n=1 sum=10', timestamp: 9 },
      { watermark: 9 },
    ]);
    h.watermark(100);
    expect(h.take()).toEqual([{ record: 'a@10-20: n=1 sum=5', timestamp: 19 }, { watermark: 100 }]);
  });

  it('accepts out-of-order records until their window fired, then drops them as late and counts them', () => {
    const h = tumblingSum(10);
    h.element(e('a', 1), 15).element(e('a', 2), 4); // out of order, window [0,10) still open
    h.watermark(9);
    expect(h.take()).toEqual([{ record: 'a@0-10: n=1 sum=2', timestamp: 9 }, { watermark: 9 }]);
    h.element(e('a', 100), 7); // window [0,10) already fired and cleaned: late
    h.watermark(19);
    expect(h.take()).toEqual([{ record: 'a@10-20: n=1 sum=1', timestamp: 19 }, { watermark: 19 }]);
    expect(h.operator.metrics().lateRecordsDropped).toBe(1);
  });

  it('re-fires a window for late records within the allowed lateness, then drops later ones', () => {
    const h = tumblingSum(10, 5);
    h.element(e('a', 1), 2).watermark(9);
    expect(h.take()).toEqual([{ record: 'a@0-10: n=1 sum=1', timestamp: 9 }, { watermark: 9 }]);
    h.element(e('a', 2), 3); // late but within lateness: fires again with the update
    expect(h.take()).toEqual([{ record: 'a@0-10: n=2 sum=3', timestamp: 9 }]);
    h.watermark(14); // cleanup time 9 + 5
    h.element(e('a', 4), 5);
    expect(h.take()).toEqual([{ watermark: 14 }]);
    expect(h.operator.metrics().lateRecordsDropped).toBe(1);
  });

  it('frees the state of fired windows so memory follows live keys', () => {
    const h = tumblingSum(10);
    for (let k = 0; k < 50; k++) h.element(e(`k${k}`, k), k % 10);
    expect(h.operator.metrics().stateKeys).toBe(50);
    h.watermark(9);
    expect(h.take()).toHaveLength(51);
    expect(h.operator.metrics()).toMatchObject({
      stateKeys: 0,
      stateEntries: 0,
      recordsIn: 50,
      recordsOut: 50,
    });
  });

  it('handles negative timestamps and window offsets', () => {
    expect(TumblingEventTimeWindows.of(10).assignWindows(null, -1)[0]).toMatchObject({ start: -10, end: 0 });
    expect(TumblingEventTimeWindows.of(10, 3).assignWindows(null, 2)[0]).toMatchObject({ start: -7, end: 3 });
    expect(() => TumblingEventTimeWindows.of(10, 10)).toThrow(/offset/);
    expect(() => TumblingEventTimeWindows.of(0)).toThrow(/size/);
  });

  it('ignores watermarks that do not advance', () => {
    const h = tumblingSum(10);
    h.watermark(5).watermark(5).watermark(3);
    expect(h.take()).toEqual([{ watermark: 5 }]);
  });

  it('rejects records without event time with a message that says what to do', () => {
    const h = tumblingSum(10);
    expect(() => h.element(e('a', 1), Number.NaN)).toThrow(/WatermarkStrategy/);
  });
});
