import { describe, expect, it } from 'vitest';
import { NAB_PROFILES } from '../../../../ml/evaluation/nab/nab-profiles.ts';
import { sweepFile } from '../../../../ml/evaluation/nab/nab-sweep.ts';
import { S, scoresAt, syntheticSeries } from './synthetic-series.ts';

const standard = NAB_PROFILES.standard;

describe('sweepFile', () => {
  // 30 records, probation floor(0.15 × 30) = 4 records, one window on records 8..11 (4 records)
  const series = syntheticSeries(30, [[8, 11]]);
  const sweep = sweepFile({ series, scores: scoresAt(30, {}) }, standard);
  const at = (row: number) => sweep.points.find((p) => p.row === row)!;

  it('drops the probationary records', () => {
    expect(sweep.points.map((p) => p.row)).toEqual(Array.from({ length: 26 }, (_, i) => i + 4));
    expect(sweep.windowCount).toBe(1);
    expect(sweep.scorableWindows).toEqual([0]);
  });

  it('inside a window: tpWeight × S(-(end - i + 1) / width) / S(-1), exactly tpWeight at its first record', () => {
    expect(at(8)).toEqual({ row: 8, anomalyScore: 0, sweepScore: 1, window: 0 });
    expect(at(9).sweepScore).toBeCloseTo(S(-3 / 4) / S(-1), 12);
    expect(at(10).sweepScore).toBeCloseTo(S(-2 / 4) / S(-1), 12);
    expect(at(11).sweepScore).toBeCloseTo(S(-1 / 4) / S(-1), 12);
    expect(at(11).window).toBe(0);
  });

  it('outside: -fpWeight before any window, fpWeight × S((i - end) / (width - 1)) after one', () => {
    expect(at(5)).toEqual({ row: 5, anomalyScore: 0, sweepScore: -0.11, window: -1 });
    expect(at(12).sweepScore).toBeCloseTo(0.11 * S(1 / 3), 12);
    expect(at(14).sweepScore).toBeCloseTo(0.11 * S(1), 12);
    expect(at(20).sweepScore).toBeCloseTo(0.11 * S(3), 12);
    expect(at(21).sweepScore).toBe(-0.11); // 10/3 > 3: exactly -1
  });

  it('does not score a window whose records all fall in the probation', () => {
    const early = sweepFile(
      {
        series: syntheticSeries(30, [
          [1, 3],
          [8, 11],
        ]),
        scores: scoresAt(30, {}),
      },
      standard,
    );
    expect(early.windowCount).toBe(2);
    expect(early.scorableWindows).toEqual([1]);
    // after the probationary window, distances are measured from it
    expect(early.points.find((p) => p.row === 4)!.sweepScore).toBeCloseTo(0.11 * S(1 / 2), 12);
  });

  it('refuses scores that do not match the records', () => {
    expect(() => sweepFile({ series, scores: [1, 2] }, standard)).toThrow(
      'synthetic/file.csv: 2 anomaly scores for 30 records',
    );
    expect(() => sweepFile({ series, scores: scoresAt(30, { 3: Number.NaN }) }, standard)).toThrow(
      'synthetic/file.csv: record 3: anomaly score must be a finite number, got NaN',
    );
  });
});
