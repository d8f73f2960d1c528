import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScoredSeries } from '../../../../ml/evaluation/nab/labelled-series.ts';
import { type CostMatrix, NAB_PROFILES } from '../../../../ml/evaluation/nab/nab-profiles.ts';
import { sweepFile } from '../../../../ml/evaluation/nab/nab-sweep.ts';
import {
  bestThreshold,
  noDetectionThreshold,
  scoreAtThreshold,
  scoresByThreshold,
} from '../../../../ml/evaluation/nab/threshold-sweep.ts';
import { S, scoresAt, syntheticSeries } from './synthetic-series.ts';

const standard = NAB_PROFILES.standard;

/**
 * The raw NAB score by its definition, written independently of the sweep: per window the earliest
 * post-probation detection earns tp × S(-(last - i + 1) / width) / S(-1), a window without one costs
 * fn; a detection outside windows costs fp before the first window, and earns fp × S((i - last) /
 * (width - 1)) after one.
 */
function definitionScore(
  length: number,
  windows: [number, number][],
  scores: number[],
  threshold: number,
  cost: CostMatrix,
) {
  const probation = Math.min(Math.floor(0.15 * length), 750);
  let score = 0;
  for (const [first, last] of windows) {
    if (last < probation) continue;
    let hit = -1;
    for (let i = Math.max(first, probation); i <= last && hit < 0; i++) if (scores[i]! >= threshold) hit = i;
    const width = last - first + 1;
    score += hit < 0 ? -cost.fnWeight : (cost.tpWeight * S(-(last - hit + 1) / width)) / S(-1);
  }
  for (let i = probation; i < length; i++) {
    if (scores[i]! < threshold || windows.some(([f, l]) => f <= i && i <= l)) continue;
    const before = windows.filter(([, l]) => l < i);
    const previous = before[before.length - 1];
    score +=
      previous === undefined
        ? -cost.fpWeight
        : cost.fpWeight * S((i - previous[1]) / (previous[1] - previous[0]));
  }
  return score;
}

describe('threshold sweep', () => {
  // 30 records (4 probationary), one window on records 8..11
  const length = 30;
  const windows: [number, number][] = [[8, 11]];
  const scored = (at: Record<number, number>): ScoredSeries => ({
    series: syntheticSeries(length, windows),
    scores: scoresAt(length, at),
  });

  it('scores each distinct threshold and picks the best (a hand-computed sweep)', () => {
    // 0.95 on a record before the window (FP, -0.11), 0.9 on the window's first record (TP, +1),
    // 0.8 one window length after it (FP, 0.11 × S(1)), 0.7 on a later record in the window (no gain)
    const sweep = sweepFile(scored({ 5: 0.95, 8: 0.9, 14: 0.8, 9: 0.7 }), standard);
    const rows = scoresByThreshold([sweep], standard);
    expect(rows.map((r) => r.threshold)).toEqual([1.1, 0.95, 0.9, 0.8, 0.7, 0]);
    expect(rows[0]!.score).toBe(-1);
    expect(rows[1]!.score).toBeCloseTo(-1.11, 12);
    expect(rows[2]!.score).toBeCloseTo(0.89, 12);
    expect(rows[3]!.score).toBeCloseTo(0.89 + 0.11 * S(1), 12);
    expect(rows[4]!.score).toBeCloseTo(0.89 + 0.11 * S(1), 12);
    expect(rows[2]).toMatchObject({ tp: 1, fp: 1, fn: 3, tn: 21 });
    expect(rows[5]).toMatchObject({ tp: 4, fp: 22, fn: 0, tn: 0 });
    expect(bestThreshold(rows).threshold).toBe(0.9);
  });

  it('breaks a tie for the best score towards the higher threshold, as NAB does', () => {
    // 0.85 on a second record of the window adds nothing, so 0.9 and 0.85 score the same
    const rows = scoresByThreshold([sweepFile(scored({ 5: 0.95, 8: 0.9, 10: 0.85 }), standard)], standard);
    expect(rows[2]!.score).toBe(rows[3]!.score);
    expect(bestThreshold(rows).threshold).toBe(0.9);
  });

  it('starts above every score: 1.1 for scores in [0, 1], Infinity beyond', () => {
    expect(noDetectionThreshold(1)).toBe(1.1);
    expect(noDetectionThreshold(7)).toBe(Number.POSITIVE_INFINITY);
    const rows = scoresByThreshold([sweepFile(scored({ 8: 7 }), standard)], standard);
    expect(rows.map((r) => [r.threshold, r.score])).toEqual([
      [Number.POSITIVE_INFINITY, -1],
      [7, 1],
      [0, expect.any(Number)],
    ]);
  });

  it('agrees with the definition at every threshold, over one file or several (property)', () => {
    const file = fc
      .integer({ min: 8, max: 40 })
      .chain((len) =>
        fc.record({
          length: fc.constant(len),
          cuts: fc.uniqueArray(fc.integer({ min: 0, max: len - 1 }), { maxLength: 6 }),
          scores: fc.array(fc.constantFrom(0, 0.25, 0.5, 0.75, 1), { minLength: len, maxLength: len }),
        }),
      )
      .map(({ length, cuts, scores }) => {
        // pair sorted cut points into windows of at least 2 records, one record apart at least
        const sorted = [...cuts].sort((a, b) => a - b);
        const ws: [number, number][] = [];
        for (let k = 0; k + 1 < sorted.length; k += 2) {
          const first = sorted[k]!;
          const last = sorted[k + 1]!;
          const previous = ws[ws.length - 1];
          if (last > first && (previous === undefined || first > previous[1] + 1)) ws.push([first, last]);
        }
        return { length, windows: ws, scores };
      });
    const cost = fc.constantFrom<CostMatrix>(...Object.values(NAB_PROFILES), {
      tpWeight: 2,
      fnWeight: 0.5,
      fpWeight: 0.7,
    });
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 3 }), cost, (files, c) => {
        const sweeps = files.map((f, k) =>
          sweepFile({ series: syntheticSeries(f.length, f.windows, `c/f${k}.csv`), scores: f.scores }, c),
        );
        const rows = scoresByThreshold(sweeps, c);
        for (const row of rows) {
          const expected = files.reduce(
            (sum, f) => sum + definitionScore(f.length, f.windows, f.scores, row.threshold, c),
            0,
          );
          expect(row.score).toBeCloseTo(expected, 9);
          expect(scoreAtThreshold(sweeps, row.threshold, c)).toEqual({
            ...row,
            score: expect.closeTo(expected, 9),
          });
        }
        const best = bestThreshold(rows);
        for (const row of rows) expect(row.score).toBeLessThanOrEqual(best.score);
      }),
      { numRuns: 300, seed: 6 },
    );
  });
});
