import { describe, expect, it } from 'vitest';
import { windowDetectionMetrics } from '../../../../ml/evaluation/nab/window-detection-metrics.ts';
import { MINUTE, scoresAt, syntheticSeries } from './synthetic-series.ts';

describe('windowDetectionMetrics', () => {
  it('counts a window once however many detections it holds (the documented example)', () => {
    const series = syntheticSeries(40, [[10, 19]]);
    const m = windowDetectionMetrics([{ series, scores: scoresAt(40, { 12: 1, 13: 1, 30: 1 }) }], 0.5);
    expect(m).toEqual({
      threshold: 0.5,
      windows: 1,
      detectedWindows: 1,
      falsePositives: 1,
      precision: 0.5,
      recall: 1,
      f1: 2 / 3,
      meanDelayMs: 2 * MINUTE,
    });
  });

  it('ignores probationary records and unscorable windows, averages delays over detected windows', () => {
    // 40 records, probation 6: window [2, 5] is unscorable; window [4, 8] only from record 6 on
    const a = syntheticSeries(
      40,
      [
        [2, 3],
        [5, 8],
        [20, 25],
        [30, 35],
      ],
      'c/a.csv',
    );
    const b = syntheticSeries(40, [[10, 14]], 'c/b.csv');
    const m = windowDetectionMetrics(
      [
        // a: FP at 1 and window-1 hit at 2 are probationary; window [5, 8] hit at 7 (delay 2); [20, 25] at 25 (delay 5)
        { series: a, scores: scoresAt(40, { 1: 1, 2: 1, 7: 0.6, 25: 0.9, 27: 0.7 }) },
        // b: missed (0.4 < threshold), two FPs
        { series: b, scores: scoresAt(40, { 12: 0.4, 16: 1, 39: 1 }) },
      ],
      0.5,
    );
    expect(m).toMatchObject({
      windows: 4,
      detectedWindows: 2,
      falsePositives: 3,
      recall: 0.5,
      precision: 0.4,
    });
    expect(m.f1).toBeCloseTo((2 * 0.4 * 0.5) / 0.9, 12);
    expect(m.meanDelayMs).toBe(3.5 * MINUTE);
  });

  it('is 0 (and no delay) when nothing is detected', () => {
    const series = syntheticSeries(40, [[10, 19]]);
    expect(windowDetectionMetrics([{ series, scores: scoresAt(40, {}) }], 0.5)).toMatchObject({
      precision: 0,
      recall: 0,
      f1: 0,
      meanDelayMs: null,
    });
  });
});
