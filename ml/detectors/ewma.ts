import type { AnomalyExplanation, DetectorSpec } from './detector.ts';
import { EwMoments } from './ew-moments.ts';
import { formatNumber, warmingUp } from './explanation-text.ts';
import { checkInteger, checkNumber } from './param-checks.ts';
import { thresholdScore, zDistance } from './score-mapping.ts';
import { FEATURE_PARAM, UnivariateDetector } from './univariate-detector.ts';

/** Hyperparameters of {@link EwmaDetector}. */
export type EwmaParams = {
  readonly feature: string;
  /** Weight of each new value in the mean and variance (half-life ln 2 / alpha values). */
  readonly alpha: number;
  /** The |z| at which the score is 0.5: the band is `mean ± threshold·std`. */
  readonly threshold: number;
  /** Values learned before anything is scored; at least 2. */
  readonly warmup: number;
};

const DEFAULTS: EwmaParams = { feature: 'value', alpha: 0.05, threshold: 3, warmup: 30 };

/**
 * EWMA control band: an exponentially weighted mean and variance ({@link EwMoments}) and an
 * adaptive threshold, the band `mean ± threshold·std` whose centre and width follow the signal (a
 * noisier signal widens it, a calmer one narrows it). Statistic `z = |x - mean| / std`, scored
 * with {@link thresholdScore} (0.5 on the band's edge). O(1) time and memory; recent values weigh
 * most, so it adapts to a level shift within a few `1/alpha` values and needs no window.
 *
 * @example
 * const d = new EwmaDetector({ alpha: 0.1, warmup: 4 });
 * [1, 2, 3, 4].forEach((v, i) => d.learnOne({ value: v }, i));
 * d.explainOne({ value: 7 }, 4); // mean 2.5, std √1.25 = 1.118: z 4.025, score 0.886, band 2.5 ± 3.354
 */
export class EwmaDetector extends UnivariateDetector<EwmaParams> {
  readonly kind = 'ewma';
  protected readonly version = 1;
  private moments: EwMoments;

  constructor(params: Partial<EwmaParams> = {}) {
    super({ ...DEFAULTS, ...params });
    checkNumber(this.kind, 'alpha', this.params.alpha, 0, 1);
    checkNumber(this.kind, 'threshold', this.params.threshold, 0);
    checkInteger(this.kind, 'warmup', this.params.warmup, 2);
    this.moments = new EwMoments(this.params.alpha);
  }

  protected scoreValue(value: number): number {
    if (this.moments.n < this.params.warmup) return 0;
    return thresholdScore(zDistance(value - this.moments.mean, this.moments.std), this.params.threshold);
  }

  protected explainValue(value: number): AnomalyExplanation {
    const { n, mean, std } = this.moments;
    if (n < this.params.warmup) return warmingUp(n, this.params.warmup);
    const z = zDistance(value - mean, std);
    const band = this.params.threshold * std;
    return {
      score: thresholdScore(z, this.params.threshold),
      expected: mean,
      lower: mean - band,
      upper: mean + band,
      reason: `${formatNumber(value)} is ${formatNumber(z)} std from the moving average ${formatNumber(mean)}`,
    };
  }

  protected learnValue(value: number): void {
    this.moments.update(value);
  }

  protected saveState(): unknown {
    return { moments: this.moments.toJSON() };
  }

  protected loadState(state: unknown): void {
    this.moments = EwMoments.fromJSON(this.params.alpha, (state as { moments: number[] }).moments);
  }
}

export const ewmaSpec: DetectorSpec = {
  name: 'ewma',
  description: 'Exponentially weighted mean and variance with an adaptive band mean ± threshold·std.',
  input: 'univariate',
  detects: ['spike'],
  params: {
    feature: FEATURE_PARAM,
    alpha: {
      type: 'number',
      default: DEFAULTS.alpha,
      min: Number.MIN_VALUE,
      max: 1,
      description: 'Weight of each new value (half-life ln 2 / alpha values).',
    },
    threshold: {
      type: 'number',
      default: DEFAULTS.threshold,
      min: Number.MIN_VALUE,
      description: 'The |z| scoring 0.5 (the band half-width in std).',
    },
    warmup: {
      type: 'integer',
      default: DEFAULTS.warmup,
      min: 2,
      description: 'Values learned before scoring (score 0 until then).',
    },
  },
  create: (p) =>
    new EwmaDetector({
      feature: p.feature as string,
      alpha: p.alpha as number,
      threshold: p.threshold as number,
      warmup: p.warmup as number,
    }),
};
