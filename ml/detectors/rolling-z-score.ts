import { RunningMoments } from '../core/stats/running-moments.ts';
import { ValueWindow } from '../core/stats/value-window.ts';
import type { AnomalyExplanation, DetectorSpec } from './detector.ts';
import { formatNumber, warmingUp } from './explanation-text.ts';
import { checkInteger, checkNumber } from './param-checks.ts';
import { thresholdScore, zDistance } from './score-mapping.ts';
import { FEATURE_PARAM, UnivariateDetector } from './univariate-detector.ts';

/** Hyperparameters of {@link RollingZScore}. */
export type RollingZScoreParams = {
  readonly feature: string;
  /** How many of the latest values the mean and standard deviation cover. */
  readonly window: number;
  /** The |z| at which the score is 0.5. */
  readonly threshold: number;
  /** Values learned before anything is scored (score 0 until then); at least 2. */
  readonly warmup: number;
};

const DEFAULTS: RollingZScoreParams = { feature: 'value', window: 100, threshold: 3, warmup: 30 };

/**
 * Rolling z-score: how many standard deviations a value is from the mean of the last `window`
 * values, `z = |x - mean| / std` (sample standard deviation, n - 1), scored with
 * {@link thresholdScore} (0.5 at `threshold`). The normal range is `mean ± threshold·std`. Mean
 * and variance are kept incrementally (Welford with revert), O(1) per value, `window` numbers of
 * memory. A value off a window of identical values scores 1. It adapts to a level shift within
 * `window` values.
 *
 * @example
 * const d = new RollingZScore({ window: 5, warmup: 5 });
 * [1, 2, 3, 4, 5].forEach((v, i) => d.learnOne({ value: v }, i));
 * d.explainOne({ value: 6 }, 5); // score 0.0993 (z = 3 / 1.5811 = 1.897), expected 3, range 3 ± 4.743
 */
export class RollingZScore extends UnivariateDetector<RollingZScoreParams> {
  readonly kind = 'rolling-z-score';
  protected readonly version = 1;
  private values: ValueWindow;
  private moments = new RunningMoments();
  private learned = 0;

  constructor(params: Partial<RollingZScoreParams> = {}) {
    super({ ...DEFAULTS, ...params });
    checkInteger(this.kind, 'window', this.params.window, 2);
    checkInteger(this.kind, 'warmup', this.params.warmup, 2);
    checkNumber(this.kind, 'threshold', this.params.threshold, 0);
    this.values = new ValueWindow(this.params.window);
  }

  protected scoreValue(value: number): number {
    if (this.learned < this.params.warmup) return 0;
    return thresholdScore(zDistance(value - this.moments.mean, this.std()), this.params.threshold);
  }

  protected explainValue(value: number): AnomalyExplanation {
    if (this.learned < this.params.warmup) return warmingUp(this.learned, this.params.warmup);
    const mean = this.moments.mean;
    const std = this.std();
    const z = zDistance(value - mean, std);
    const band = this.params.threshold * std;
    return {
      score: thresholdScore(z, this.params.threshold),
      expected: mean,
      lower: mean - band,
      upper: mean + band,
      reason: `${formatNumber(value)} is ${formatNumber(z)} std from the rolling mean ${formatNumber(mean)} (last ${this.values.length} values)`,
    };
  }

  protected learnValue(value: number): void {
    const evicted = this.values.push(value);
    if (evicted !== undefined) this.moments.revert(evicted);
    this.moments.update(value);
    this.learned += 1;
  }

  private std(): number {
    return Math.sqrt(this.moments.variance(1));
  }

  protected saveState(): unknown {
    return { values: this.values.values(), moments: this.moments.toJSON(), learned: this.learned };
  }

  protected loadState(state: unknown): void {
    const s = state as { values: number[]; moments: number[]; learned: number };
    this.values = ValueWindow.from(this.params.window, s.values);
    this.moments = RunningMoments.fromJSON(s.moments);
    this.learned = s.learned;
  }
}

export const rollingZScoreSpec: DetectorSpec = {
  name: 'rolling-z-score',
  description: 'Distance from the mean of the last `window` values, in standard deviations.',
  input: 'univariate',
  detects: ['spike'],
  params: {
    feature: FEATURE_PARAM,
    window: {
      type: 'integer',
      default: DEFAULTS.window,
      min: 2,
      description: 'Values the statistics cover.',
    },
    threshold: {
      type: 'number',
      default: DEFAULTS.threshold,
      min: Number.MIN_VALUE,
      description: 'The |z| scoring 0.5.',
    },
    warmup: {
      type: 'integer',
      default: DEFAULTS.warmup,
      min: 2,
      description: 'Values learned before scoring (score 0 until then).',
    },
  },
  create: (p) =>
    new RollingZScore({
      feature: p.feature as string,
      window: p.window as number,
      threshold: p.threshold as number,
      warmup: p.warmup as number,
    }),
};
