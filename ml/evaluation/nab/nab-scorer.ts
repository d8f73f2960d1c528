import type { ScoredSeries } from './labelled-series.ts';
import { NAB_PROFILES, type NabProfiles } from './nab-profiles.ts';
import { type FileSweep, sweepFile } from './nab-sweep.ts';
import { NAB_PROBATION_PERCENT } from './probationary-period.ts';
import {
  bestThreshold,
  scoreAtThreshold,
  scoresByThreshold,
  type ThresholdScore,
} from './threshold-sweep.ts';

/** A detector's NAB result under one application profile. */
export interface NabProfileScore {
  readonly profile: string;
  /** The threshold that maximises the raw score over the whole data set. */
  readonly threshold: number;
  /** Normalised: 0 = the null detector, 100 = the perfect detector. */
  readonly score: number;
  /** Raw score at `threshold`, summed over the files. */
  readonly rawScore: number;
  /**
   * The null detector's raw score: NAB's emits a constant, so its best threshold detects nothing
   * (`-fnWeight` for every scorable window) or everything, whichever scores higher (on NAB's data,
   * always nothing).
   */
  readonly nullScore: number;
  /** The perfect detector's raw score: `tpWeight` for every window. */
  readonly perfectScore: number;
  /** NAB's record counts at `threshold` (post-probation records). */
  readonly counts: Omit<ThresholdScore, 'threshold' | 'score'>;
  /** Raw score of each file at `threshold`, in input order. */
  readonly files: readonly { readonly name: string; readonly rawScore: number }[];
}

/** Options of {@link scoreNab}. */
export interface NabScoreOptions {
  /** Application profiles to score under; NAB's three by default. */
  readonly profiles?: NabProfiles;
  /** Share of each file at its start whose detections are ignored; NAB's 0.15 by default. */
  readonly probationPercent?: number;
}

/**
 * Scores a detector on a labelled data set the way the Numenta Anomaly Benchmark does (Lavin &
 * Ahmad 2015, arXiv:1510.03336; NAB's `nab/sweeper.py`, `nab/optimizer.py`, `nab/scorer.py` and
 * `Runner.normalize` in `nab/runner.py`), per profile:
 *
 * 1. every post-probation record is given its sweep score (`sweepFile`);
 * 2. the threshold is swept down through the distinct anomaly scores of all files together and the
 *    one with the highest total raw score kept (`scoresByThreshold`, `bestThreshold`);
 * 3. at that threshold each file's raw score is the earliest detection in each window (scaled
 *    sigmoid, `tpWeight` at its first record), `-fnWeight` for each window missed, and every
 *    detection outside windows weighted by its distance after the previous window;
 * 4. the total is normalised: `100 × (raw - null) / (perfect - null)`, where perfect is `tpWeight`
 *    × all windows (NAB: the number of labelled windows × `tpWeight`) and null is the optimised raw
 *    score of NAB's null detector, which emits a constant 0.5 (`nab/detectors/null`): its threshold
 *    either detects nothing, every scorable window a false negative (`-fnWeight` each), or
 *    everything; the first on NAB's corpus and the subset in test/data/nab, the second only on small
 *    or window-dense data (a 30-record file with one 4-record window, under reward-low-FN). So a
 *    constant detector scores exactly 0.
 *
 * Detections are records scored `>= threshold`. Throws when the perfect detector does not beat the
 * null one (a data set without windows: the score is undefined) or a series is malformed.
 *
 * @example
 * const [standard] = scoreNab(dataSet.files.map((series) => ({ series, scores: detector(series) })));
 * standard.profile; // 'standard'
 * standard.score; // e.g. 36.6 for NAB's random detector on the subset in test/data/nab
 */
export function scoreNab(scored: readonly ScoredSeries[], options: NabScoreOptions = {}): NabProfileScore[] {
  const profiles = options.profiles ?? NAB_PROFILES;
  const probationPercent = options.probationPercent ?? NAB_PROBATION_PERCENT;
  return Object.entries(profiles).map(([profile, cost]) => {
    const files: FileSweep[] = scored.map((s) => sweepFile(s, cost, probationPercent));
    const windows = files.reduce((n, f) => n + f.windowCount, 0);
    const scorable = files.reduce((n, f) => n + f.scorableWindows.length, 0);
    const perfectScore = windows * cost.tpWeight;
    const nullScore = Math.max(
      -scorable * cost.fnWeight,
      scoreAtThreshold(files, Number.NEGATIVE_INFINITY, cost).score,
    );
    if (!(perfectScore > nullScore)) {
      throw new Error(
        `scoreNab: profile "${profile}": the data set has ${windows} anomaly windows and the perfect detector ` +
          `(${perfectScore}) does not beat the null detector (${nullScore}), so no NAB score can be normalised ` +
          '(label at least one window, and leave records outside windows)',
      );
    }
    const { threshold } = bestThreshold(scoresByThreshold(files, cost));
    const { score: rawScore, tp, tn, fp, fn } = scoreAtThreshold(files, threshold, cost);
    return {
      profile,
      threshold,
      score: (100 * (rawScore - nullScore)) / (perfectScore - nullScore),
      rawScore,
      nullScore,
      perfectScore,
      counts: { tp, tn, fp, fn },
      files: files.map((f) => ({ name: f.name, rawScore: scoreAtThreshold([f], threshold, cost).score })),
    };
  });
}
