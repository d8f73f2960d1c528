import { describe, expect, it } from 'vitest';
import { MIN_WATERMARK } from '../../../../services/engine/time/watermark.ts';
import { WatermarkValve } from '../../../../services/engine/time/watermark-valve.ts';

function valve(inputs: number) {
  const events: (number | 'idle' | 'active')[] = [];
  const v = new WatermarkValve(inputs, {
    onWatermark: (w) => events.push(w),
    onIdleChange: (idle) => events.push(idle ? 'idle' : 'active'),
  });
  return { v, events };
}

describe('WatermarkValve: per-input minimum', () => {
  it('emits the minimum over its inputs, once every input has a watermark, and never goes back', () => {
    const { v, events } = valve(3);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 20);
    expect(events).toEqual([]); // input 2 still at -inf
    v.inputWatermark(2, 5);
    v.inputWatermark(2, 15);
    v.inputWatermark(0, 30);
    v.inputWatermark(0, 25); // an input's watermark never decreases: ignored
    expect(events).toEqual([5, 10, 15]);
    expect(v.watermark).toBe(15);
  });

  it('starts at MIN_WATERMARK and rejects a valve without inputs', () => {
    expect(valve(1).v.watermark).toBe(MIN_WATERMARK);
    expect(() => valve(0)).toThrow(/>= 1 input/);
  });
});

describe('WatermarkValve: idleness', () => {
  it('an idle input stops holding the watermark back, and counts again once active and caught up', () => {
    const { v, events } = valve(2);
    v.inputWatermark(0, 100);
    v.inputWatermark(1, 40);
    v.markIdle(1);
    expect(events).toEqual([40, 100]);
    v.inputWatermark(0, 120);
    v.inputWatermark(1, 60); // recorded while idle, not counted
    expect(events).toEqual([40, 100, 120]);
    v.markActive(1); // behind the valve's 120: unaligned, left out until it catches up
    v.inputWatermark(0, 150);
    expect(events).toEqual([40, 100, 120, 150]);
    v.inputWatermark(1, 130); // still behind 150
    v.inputWatermark(0, 200);
    v.inputWatermark(1, 180); // still behind 200
    expect(events.slice(-1)).toEqual([200]);
    v.inputWatermark(1, 210); // caught up: it holds the minimum again
    v.inputWatermark(0, 300);
    expect(events.slice(-2)).toEqual([200, 210]);
  });

  it('when every input is idle the task is idle and follows the highest idle watermark', () => {
    const { v, events } = valve(2);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 30);
    v.markIdle(0);
    v.markIdle(1);
    expect(events).toEqual([10, 30, 'idle']);
    expect(v.isIdle).toBe(true);
    v.inputWatermark(1, 50); // a quiet-period watermark of an idle input still moves an idle task
    v.markActive(0);
    expect(events).toEqual([10, 30, 'idle', 50, 'active']);
  });

  it('an ended input never counts again; the valve ends when every input ended', () => {
    const { v, events } = valve(2);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 20);
    v.markEnded(0);
    expect(events).toEqual([10, 20]);
    expect(v.ended).toBe(false);
    v.markEnded(1);
    expect(v.ended).toBe(true);
    expect(events).toEqual([10, 20]); // ending is not idleness
  });
});
