import type { CostMatrix } from './nab-profiles.ts';
import type { FileSweep } from './nab-sweep.ts';

/**
 * The raw NAB score of a threshold (a detection is a record whose anomaly score is `>= threshold`)
 * and NAB's record counts at it, over post-probation records: `tp` detections inside windows, `fp`
 * outside, `fn` undetected records inside windows, `tn` outside (NAB's `ThresholdScore`).
 */
export interface ThresholdScore {
  readonly threshold: number;
  readonly score: number;
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
}

/**
 * The threshold of "no detection at all": NAB starts its sweep at 1.1, above any score in [0, 1];
 * when scores reach 1.1 it is `Infinity`, above them all.
 *
 * @example
 * noDetectionThreshold(0.99); // 1.1
 */
export function noDetectionThreshold(maxScore: number): number {
  return maxScore < 1.1 ? 1.1 : Number.POSITIVE_INFINITY;
}

/**
 * Sweeps the threshold down through every distinct anomaly score of the given files together, as
 * `Sweeper.calcScoreByThreshold` in NAB's `nab/sweeper.py` does for a corpus: one row for "no
 * detection" ({@link noDetectionThreshold}; every scorable window a false negative, `-fnWeight`
 * each), then one row per distinct score, highest first, each counting every record scored at or
 * above it. A window scores the best (so the earliest) detection in it in place of its `-fnWeight`;
 * every detection outside windows adds its (negative) sweep score.
 *
 * @example
 * // one window; the detector puts 0.9 on its first record and 0.95 on a record before it
 * scoresByThreshold([sweep], NAB_PROFILES.standard).map((r) => [r.threshold, r.score]);
 * // [[1.1, -1], [0.95, -1.11], [0.9, 0.89], [0, ...]]
 */
export function scoresByThreshold(files: readonly FileSweep[], cost: CostMatrix): ThresholdScore[] {
  const points: { anomalyScore: number; sweepScore: number; window: number }[] = [];
  const best: number[] = []; // per scorable window (global index): best sweep score so far
  let fn = 0;
  let tn = 0;
  for (const file of files) {
    const ids: number[] = [];
    for (const k of file.scorableWindows) {
      ids[k] = best.length;
      best.push(-cost.fnWeight);
    }
    for (const p of file.points) {
      const window = p.window < 0 ? -1 : ids[p.window]!;
      points.push({ anomalyScore: p.anomalyScore, sweepScore: p.sweepScore, window });
      if (window < 0) tn++;
      else fn++;
    }
  }
  points.sort((a, b) => b.anomalyScore - a.anomalyScore);
  const maxScore = points[0]?.anomalyScore ?? 0;
  let threshold = noDetectionThreshold(maxScore);
  let fpScore = 0;
  let windowScore = -cost.fnWeight * best.length; // kept as the sum of `best`
  let tp = 0;
  let fp = 0;
  const rows: ThresholdScore[] = [];
  const record = () => rows.push({ threshold, score: windowScore + fpScore, tp, tn, fp, fn });
  for (const p of points) {
    if (p.anomalyScore !== threshold) {
      record();
      threshold = p.anomalyScore;
    }
    if (p.window < 0) {
      fp++;
      tn--;
      fpScore += p.sweepScore;
    } else {
      tp++;
      fn--;
      const before = best[p.window]!;
      if (p.sweepScore > before) {
        best[p.window] = p.sweepScore;
        windowScore += p.sweepScore - before;
      }
    }
  }
  record();
  return rows;
}

/**
 * The best row of a sweep: the highest score, and among equal scores the highest threshold (NAB
 * sorts the rows by score with Python's stable sort, so the first row wins a tie).
 *
 * @example
 * bestThreshold([{ threshold: 1.1, score: -1, tp: 0, tn: 9, fp: 0, fn: 1 },
 *   { threshold: 0.9, score: 0.89, tp: 1, tn: 8, fp: 1, fn: 0 }]).threshold; // 0.9
 */
export function bestThreshold(rows: readonly ThresholdScore[]): ThresholdScore {
  let best = rows[0];
  if (best === undefined) throw new Error('bestThreshold: no threshold rows to choose from');
  for (const row of rows) if (row.score > best.score) best = row;
  return best;
}

/**
 * The raw NAB score of files at one threshold (detections: records scored `>= threshold`): what
 * NAB's `Sweeper.scoreDataSet` reports for a file, summed over the files.
 *
 * @example
 * scoreAtThreshold([sweep], 0.9, NAB_PROFILES.standard).score; // 0.89
 */
export function scoreAtThreshold(
  files: readonly FileSweep[],
  threshold: number,
  cost: CostMatrix,
): ThresholdScore {
  let score = 0;
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (const file of files) {
    const best = new Map<number, number>(file.scorableWindows.map((k) => [k, -cost.fnWeight]));
    for (const p of file.points) {
      const detected = p.anomalyScore >= threshold;
      if (p.window < 0) {
        if (detected) {
          fp++;
          score += p.sweepScore;
        } else tn++;
      } else if (detected) {
        tp++;
        best.set(p.window, Math.max(best.get(p.window)!, p.sweepScore));
      } else fn++;
    }
    for (const b of best.values()) score += b;
  }
  return { threshold, score, tp, tn, fp, fn };
}
