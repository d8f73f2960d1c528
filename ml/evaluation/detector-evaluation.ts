import { decisionFor, type RecordDecision } from '../detectors/default-set.ts';
import { type AnomalyDetector, isTimerDriven } from '../detectors/detector.ts';
import { decide, noIncident } from '../operators/alert-decision.ts';
import type { LabelledSeries, ScoredSeries } from './nab/labelled-series.ts';
import { type NAB_PROFILE_JSON_NAMES, NAB_PROFILES, type NabProfiles } from './nab/nab-profiles.ts';
import { scoreNab } from './nab/nab-scorer.ts';
import { windowDetectionMetrics } from './nab/window-detection-metrics.ts';

/** A detector to evaluate: a name, a factory (one fresh detector per series) and how it alerts. */
export interface DetectorConfiguration {
  /** As reported, e.g. `default` or `rolling-z-score:window=50`. */
  readonly name: string;
  /** A fresh detector reading the feature `value`. */
  create(): AnomalyDetector;
  /**
   * When given, the records scored are the alerts this decision raises (a record's score where an
   * incident opens, 0 elsewhere), as the job emits them; without it, every record's raw score.
   */
  readonly decision?: RecordDecision;
}

/** A labelled data set: its name (a directory, `simulated fleet ...`) and its series. */
export interface LabelledDataSet {
  readonly name: string;
  readonly series: readonly LabelledSeries[];
  /** NAB's three profiles when absent. */
  readonly profiles?: NabProfiles;
}

/** What `eddy evaluate` reports for one detector on one data set. */
export interface DetectorEvaluation {
  readonly name: string;
  readonly dataSet: string;
  /** NAB scores (0 = null detector, 100 = perfect) under the three profiles. */
  readonly standard: number;
  readonly rewardLowFP: number;
  readonly rewardLowFN: number;
  /** The standard profile's optimised threshold, at which the window metrics are counted. */
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Null when no window was detected. */
  readonly meanDelayMs: number | null;
  /** Per series, the scores NAB saw (for result files). */
  readonly scored: readonly ScoredSeries[];
}

/**
 * The typical time between records: the median of the positive gaps (1 without any).
 *
 * @example
 * medianInterval([0, 300_000, 600_000, 1_200_000]); // 300000
 */
export function medianInterval(timestamps: readonly number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < timestamps.length; i++) {
    const gap = timestamps[i]! - timestamps[i - 1]!;
    if (gap > 0) gaps.push(gap);
  }
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? 1;
}

/**
 * One detector over one series, test-then-train (each record scored, then learned), reading the
 * record as `{ value }` (a detector driven by timers also scores the silence before a record whose
 * deadline passed, on that record): the raw scores, or with a decision the alert scores (the score where an
 * incident opens, else 0; the cool-down is `cooldownRecords` × the series' median interval).
 *
 * @example
 * scoreSeries({ name: 'z', create: () => new RollingZScore() }, series); // one score per record
 */
export function scoreSeries(config: DetectorConfiguration, series: LabelledSeries): number[] {
  const detector = config.create();
  const decision = config.decision && decisionFor(config.decision, medianInterval(series.timestamps));
  const incident = noIncident();
  return series.values.map((value, i) => {
    const ts = series.timestamps[i]!;
    const x = { value };
    const score = Math.max(detector.scoreOne(x, ts), silenceScore(detector, ts));
    detector.learnOne(x, ts);
    if (decision === undefined) return score;
    return decide(decision, incident, score, ts) === 'open' ? score : 0;
  });
}

/**
 * What a detector driven by timers makes of the silence before a record at `ts` when its deadline
 * passed meanwhile (a job's timer would have fired at the deadline; offline, the record ending the
 * silence carries it), else 0.
 */
function silenceScore(detector: AnomalyDetector, ts: number): number {
  if (!isTimerDriven(detector)) return 0;
  const deadline = detector.nextCheck();
  return deadline !== undefined && deadline <= ts ? detector.explainSilence(ts).score : 0;
}

/**
 * Scores `config` on every series of `data` and measures it: NAB's standard, reward-low-FP and
 * reward-low-FN scores (`scoreNab`), and window precision, recall, F1 and mean detection delay at
 * the standard profile's optimised threshold (`windowDetectionMetrics`). `onSeries` is called after
 * each series with its record count (progress).
 *
 * @example
 * const e = evaluateDetector(defaultConfiguration(), { name: 'nab', series: nab.files });
 * e.standard; // e.g. 65.1
 */
export function evaluateDetector(
  config: DetectorConfiguration,
  data: LabelledDataSet,
  onSeries: (records: number) => void = () => {},
): DetectorEvaluation {
  const scored = data.series.map((series) => {
    const scores = scoreSeries(config, series);
    onSeries(series.values.length);
    return { series, scores };
  });
  const profiles = data.profiles ?? NAB_PROFILES;
  const results = scoreNab(scored, { profiles });
  const byName = (name: string) => results.find((r) => r.profile === name);
  const standard = byName('standard') ?? results[0];
  if (standard === undefined) throw new Error(`${data.name}: no NAB profiles to score under`);
  const metrics = windowDetectionMetrics(scored, standard.threshold);
  const score = (profile: keyof typeof NAB_PROFILE_JSON_NAMES) => byName(profile)?.score ?? Number.NaN;
  return {
    name: config.name,
    dataSet: data.name,
    standard: standard.score,
    rewardLowFP: score('reward_low_FP_rate'),
    rewardLowFN: score('reward_low_FN_rate'),
    threshold: standard.threshold,
    precision: metrics.precision,
    recall: metrics.recall,
    f1: metrics.f1,
    meanDelayMs: metrics.meanDelayMs,
    scored,
  };
}
