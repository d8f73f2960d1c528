import { describe, expect, it } from 'vitest';
import { isTimerDriven } from '../../../ml/detectors/detector.ts';
import { DropoutDetector, formatDuration } from '../../../ml/detectors/dropout.ts';
import { ratioScore } from '../../../ml/detectors/score-mapping.ts';
import { gapStream } from './support/planted-streams.ts';
import { rocAucOf, scoreStreamWithTimers } from './support/score-stream.ts';

describe('DropoutDetector (known answers)', () => {
  it('sets its deadline at factor × the median interval and scores 0.5 exactly there', () => {
    const d = new DropoutDetector({ warmup: 3 });
    expect(isTimerDriven(d)).toBe(true);
    expect(d.nextCheck()).toBeUndefined();
    for (const ts of [0, 10_000, 20_000, 30_000]) {
      expect(d.scoreOne({ value: 1 }, ts)).toBe(0);
      d.learnOne({ value: 1 }, ts);
    }
    expect(d.nextCheck()).toBe(60_000);
    expect(d.explainSilence(60_000).score).toBe(0.5);
    expect(d.explainSilence(45_000).score).toBe(ratioScore(0.5));
    expect(d.explainSilence(160_000)).toEqual({
      score: ratioScore(130 / 30),
      reason: 'no reading for 2m 10s (expected every 10s)',
    });
    expect(d.explainOne({ value: 1 }, 41_000)).toEqual({
      score: 0,
      reason: 'a reading after 11s (expected every 10s)',
    });
  });

  it('takes the median interval, so one long gap does not move the deadline', () => {
    const d = new DropoutDetector({ warmup: 3, factor: 2 });
    for (const ts of [0, 10_000, 20_000, 320_000, 330_000]) d.learnOne({ value: 1 }, ts);
    expect(d.nextCheck()).toBe(350_000); // intervals 10, 10, 300, 10 s: median 10 s
  });

  it('uses expectedIntervalMs from the first record on, and minSilenceMs as a floor', () => {
    const d = new DropoutDetector({ expectedIntervalMs: 1_000, minSilenceMs: 60_000 });
    d.learnOne({ value: 1 }, 5_000);
    expect(d.nextCheck()).toBe(65_000);
    expect(d.explainSilence(125_000)).toEqual({
      score: 0.8,
      reason: 'no reading for 2m (expected every 1s)',
    });
  });

  it('is warming up until warmup intervals are known, and ignores records not after the last', () => {
    const d = new DropoutDetector({ warmup: 2 });
    d.learnOne({ value: 1 }, 1_000);
    d.learnOne({ value: 1 }, 1_000);
    d.learnOne({ value: 1 }, 500);
    expect(d.explainSilence(100_000)).toEqual({ score: 0, reason: 'warming up (0 of 2 intervals learned)' });
    d.learnOne({ value: 1 }, 2_000);
    d.learnOne({ value: 1 }, 3_000);
    expect(d.nextCheck()).toBe(6_000);
  });

  it('ranks planted gaps far above normal records when driven by its timers (ROC AUC > 0.95)', () => {
    const records = gapStream();
    expect(rocAucOf(scoreStreamWithTimers(new DropoutDetector(), records), records)).toBeGreaterThan(0.95);
  });

  it('formats durations for its reasons', () => {
    expect([850, 2_500, 10_000, 130_000, 120_000, 3_900_000].map(formatDuration)).toEqual([
      '850ms',
      '2.5s',
      '10s',
      '2m 10s',
      '2m',
      '1h 5m',
    ]);
  });
});
