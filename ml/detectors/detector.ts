import type { OnlineEstimator } from '../core/estimator.ts';
import type { Features } from '../core/features.ts';
import type { ParamSpec } from '../core/model-spec.ts';

/**
 * Why a record scored what it did, for an anomaly event: the score, the value range the detector
 * considered normal where it has one (univariate detectors: `expected` with `lower`..`upper`,
 * in the feature's units), and a short human-readable `reason`.
 *
 * @example
 * const e: AnomalyExplanation = {
 *   score: 0.98, expected: 21.4, lower: 19.9, upper: 22.9,
 *   reason: 'value 25.1 is 7.4 std from the rolling mean 21.4 (last 100 values)',
 * };
 */
export interface AnomalyExplanation {
  /** The same number `scoreOne` gives for the record: in [0, 1], high = anomalous. */
  readonly score: number;
  /** The value the detector expected (univariate detectors with a centre). */
  readonly expected?: number;
  /** The normal range: values in `[lower, upper]` score below 0.5 where the detector has one. */
  readonly lower?: number;
  readonly upper?: number;
  /** One short sentence, e.g. `flat at 12 for 40 records over 6.5 min`. */
  readonly reason: string;
}

/**
 * An online anomaly detector (River's `AnomalyDetector`, with timestamps and explanations): per
 * record, `scoreOne` first (how anomalous the record is given everything learned before it), then
 * `learnOne`. No offline training: detectors learn as they score and follow drift.
 *
 * - `scoreOne(x, ts)`: a number in [0, 1], high = anomalous; it changes nothing. During warm-up
 *   (too little learned to judge) it is 0. Univariate detectors read one named feature of `x`
 *   (their `feature` parameter, by default `value`) and score 0 when it is absent; multivariate
 *   ones read every feature of `x`. `ts` is the record's event time in ms (seasonal, rate and
 *   duration detectors use it; it must not decrease for one detector).
 * - `explainOne(x, ts)`: the same score with its {@link AnomalyExplanation}; it changes nothing and
 *   costs more (it formats text), so call it only for records worth reporting, before `learnOne`.
 * - `learnOne(x, ts)`: takes the record into the detector's statistics.
 * - `snapshot()` / `restore()` / `clone()` as every {@link OnlineEstimator}: JSON-safe, versioned,
 *   randomness only from a `seed` parameter; a restored clone scores exactly as the original.
 *
 * @example
 * const d = createDetector('rolling-z-score', { window: '50' });
 * for (const { value, ts } of readings) {
 *   const x = { value };
 *   if (d.scoreOne(x, ts) >= 0.5) events.push(d.explainOne(x, ts));
 *   d.learnOne(x, ts);
 * }
 */
export interface AnomalyDetector extends OnlineEstimator {
  scoreOne(x: Features, ts: number): number;
  explainOne(x: Features, ts: number): AnomalyExplanation;
  learnOne(x: Features, ts: number): void;
}

/**
 * What a detector can also do when it is driven by timers as well as records (the dropout
 * detector: silence itself is the anomaly). The operator registers an event-time timer at
 * `nextCheck()` and, when it fires, emits `explainSilence(now)` if its score is high; records still
 * go through `scoreOne` / `learnOne` (which move the deadline).
 *
 * @example
 * if (isTimerDriven(d)) {
 *   const at = d.nextCheck();
 *   if (at !== undefined) timers.registerEventTimeTimer(at);
 * }
 */
export interface TimerDrivenDetector extends AnomalyDetector {
  /** The event time at which silence should next be checked; undefined before any record. */
  nextCheck(): number | undefined;
  /** How anomalous the silence up to `now` is (no record since the last learned one). */
  explainSilence(now: number): AnomalyExplanation;
}

/**
 * True when `detector` is also driven by timers ({@link TimerDrivenDetector}).
 *
 * @example
 * isTimerDriven(createDetector('rolling-z-score')); // false
 */
export function isTimerDriven(detector: AnomalyDetector): detector is TimerDrivenDetector {
  const d = detector as Partial<TimerDrivenDetector>;
  return typeof d.nextCheck === 'function' && typeof d.explainSilence === 'function';
}

/** What kind of anomaly a detector is built to find (what the UI and the test streams go by). */
export type AnomalyKind =
  /** A single value far from the recent ones. */
  | 'spike'
  /** A value unusual for its time of day. */
  | 'seasonal'
  /** A change faster than usual. */
  | 'rate'
  /** The same value for too long. */
  | 'flatline'
  /** Metrics that usually move together no longer do. */
  | 'correlation'
  /** No data for longer than expected. */
  | 'dropout';

/** A hyperparameter's parsed value: what `DetectorSpec.create` takes. */
export type DetectorParamValue = number | boolean | string;

/**
 * How a detector is found and built by name (as `ModelSpec` for models): each detector file exports
 * one, and `ml/detectors/registry.ts` lists them. The contract suite runs over every registered one.
 *
 * @example
 * const spec: DetectorSpec = {
 *   name: 'rolling-z-score', description: '...', input: 'univariate', detects: ['spike'],
 *   params: { window: { type: 'integer', default: 100, min: 2, description: '...' } },
 *   create: (p) => new RollingZScore({ window: p.window as number }),
 * };
 */
export interface DetectorSpec {
  /** Registry name, e.g. `rolling-z-score` (the job file's and the API's `detector` value). */
  readonly name: string;
  readonly description: string;
  /** `univariate`: reads its `feature` parameter; `multivariate`: reads every feature of a record. */
  readonly input: 'univariate' | 'multivariate';
  readonly detects: readonly AnomalyKind[];
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Builds one from (already validated, defaults filled) hyperparameters. */
  create(params: Readonly<Record<string, DetectorParamValue>>): AnomalyDetector;
}
