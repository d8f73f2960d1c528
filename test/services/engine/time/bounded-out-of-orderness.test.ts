import { describe, expect, it } from 'vitest';
import { BoundedOutOfOrderness } from '../../../../services/engine/time/bounded-out-of-orderness.ts';
import { MIN_WATERMARK } from '../../../../services/engine/time/watermark.ts';

describe('BoundedOutOfOrderness', () => {
  it('is max timestamp - bound - 1, never moved back by older records', () => {
    const g = new BoundedOutOfOrderness(2_000);
    expect(g.currentWatermark(0)).toBe(MIN_WATERMARK);
    g.onEvent(10_000, 0);
    g.onEvent(9_000, 0);
    expect(g.currentWatermark(0)).toBe(7_999);
    g.onEvent(12_000, 0);
    expect(g.currentWatermark(1_000_000)).toBe(9_999);
  });

  it('after a quiet period lets event time follow processing time, as the doc example says', () => {
    const g = new BoundedOutOfOrderness(2_000, 5_000);
    g.onEvent(10_000, 0);
    expect(g.currentWatermark(0)).toBe(7_999);
    expect(g.currentWatermark(4_999)).toBe(7_999);
    expect(g.currentWatermark(6_000)).toBe(13_999);
    g.onEvent(10_500, 6_000); // a record ends the quiet period
    expect(g.currentWatermark(6_000)).toBe(8_499);
  });

  it('validates its arguments', () => {
    expect(() => new BoundedOutOfOrderness(-1)).toThrow(/bound/);
    expect(() => new BoundedOutOfOrderness(0, 0)).toThrow(/quiet/);
  });
});
