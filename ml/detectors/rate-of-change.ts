import type { AnomalyExplanation, DetectorSpec } from './detector.ts';
import { EwMoments } from './ew-moments.ts';
import { formatNumber, warmingUp } from './explanation-text.ts';
import { checkInteger, checkNumber } from './param-checks.ts';
import { thresholdScore, zDistance } from './score-mapping.ts';
import { FEATURE_PARAM, UnivariateDetector } from './univariate-detector.ts';

/** Hyperparameters of {@link RateOfChange}. */
export type RateOfChangeParams = {
  readonly feature: string;
  /** Weight of each new rate in the running mean and variance of rates. */
  readonly alpha: number;
  /** How many std above the usual rate scores 0.5. */
  readonly threshold: number;
  /** Rates learned before anything is scored; at least 2. */
  readonly warmup: number;
};

const DEFAULTS: RateOfChangeParams = { feature: 'value', alpha: 0.05, threshold: 3, warmup: 30 };

/**
 * Rate of change: the speed `r = |x - previous| / Δt` (units per second, Δt from the timestamps)
 * against the running distribution of past speeds ({@link EwMoments}): statistic
 * `(r - mean_r) / std_r`, one-sided (only faster than usual counts; slower scores near 0), scored
 * with {@link thresholdScore}. It finds jumps and drops that stay within the usual range of values
 * (a door opening, a valve failing), which level-based detectors miss. The normal range is
 * `previous ± (mean_r + threshold·std_r)·Δt`. A record at the same or an earlier time than the
 * previous one has no rate: it scores 0 (an equal timestamp replaces the previous value, an
 * earlier one is ignored).
 *
 * @example
 * const d = new RateOfChange({ warmup: 2 });
 * [0, 1, 3].forEach((v, i) => d.learnOne({ value: v }, i * 1000)); // rates 1, 2: mean 1.5, std 0.5
 * d.explainOne({ value: 6 }, 3000); // rate 3: z = 3, score 0.5, range 3 ± 3
 */
export class RateOfChange extends UnivariateDetector<RateOfChangeParams> {
  readonly kind = 'rate-of-change';
  protected readonly version = 1;
  private rates: EwMoments;
  private previous: { value: number; ts: number } | undefined;

  constructor(params: Partial<RateOfChangeParams> = {}) {
    super({ ...DEFAULTS, ...params });
    checkNumber(this.kind, 'alpha', this.params.alpha, 0, 1);
    checkNumber(this.kind, 'threshold', this.params.threshold, 0);
    checkInteger(this.kind, 'warmup', this.params.warmup, 2);
    this.rates = new EwMoments(this.params.alpha);
  }

  protected scoreValue(value: number, ts: number): number {
    const rate = this.rateTo(value, ts);
    if (rate === undefined || this.rates.n < this.params.warmup) return 0;
    return thresholdScore(this.z(rate), this.params.threshold);
  }

  protected explainValue(value: number, ts: number): AnomalyExplanation {
    const rate = this.rateTo(value, ts);
    if (this.rates.n < this.params.warmup) return warmingUp(this.rates.n, this.params.warmup, 'rates');
    if (rate === undefined || this.previous === undefined) {
      return { score: 0, reason: 'no rate: not later than the previous value' };
    }
    const { mean, std } = this.rates;
    const seconds = (ts - this.previous.ts) / 1000;
    const maxChange = (mean + this.params.threshold * std) * seconds;
    return {
      score: thresholdScore(this.z(rate), this.params.threshold),
      expected: this.previous.value,
      lower: this.previous.value - maxChange,
      upper: this.previous.value + maxChange,
      reason: `changing ${formatNumber(rate)}/s against a usual ${formatNumber(mean)}/s ± ${formatNumber(std)}`,
    };
  }

  protected learnValue(value: number, ts: number): void {
    const rate = this.rateTo(value, ts);
    if (rate !== undefined) this.rates.update(rate);
    if (this.previous === undefined || ts >= this.previous.ts) this.previous = { value, ts };
  }

  /** |Δx| / Δt in units per second; undefined without a previous value at an earlier time. */
  private rateTo(value: number, ts: number): number | undefined {
    const p = this.previous;
    if (p === undefined || ts <= p.ts) return undefined;
    return Math.abs(value - p.value) / ((ts - p.ts) / 1000);
  }

  /** One-sided: rates below the mean count as 0 deviation. */
  private z(rate: number): number {
    return zDistance(Math.max(0, rate - this.rates.mean), this.rates.std);
  }

  protected saveState(): unknown {
    return {
      rates: this.rates.toJSON(),
      previous: this.previous ? [this.previous.value, this.previous.ts] : null,
    };
  }

  protected loadState(state: unknown): void {
    const s = state as { rates: number[]; previous: [number, number] | null };
    this.rates = EwMoments.fromJSON(this.params.alpha, s.rates);
    this.previous = s.previous ? { value: s.previous[0], ts: s.previous[1] } : undefined;
  }
}

export const rateOfChangeSpec: DetectorSpec = {
  name: 'rate-of-change',
  description: 'Speed of change |Δx/Δt| against its running mean and std (one-sided).',
  input: 'univariate',
  detects: ['rate', 'spike'],
  params: {
    feature: FEATURE_PARAM,
    alpha: {
      type: 'number',
      default: DEFAULTS.alpha,
      min: Number.MIN_VALUE,
      max: 1,
      description: 'Weight of each new rate in the running statistics.',
    },
    threshold: {
      type: 'number',
      default: DEFAULTS.threshold,
      min: Number.MIN_VALUE,
      description: 'Std above the usual rate scoring 0.5.',
    },
    warmup: {
      type: 'integer',
      default: DEFAULTS.warmup,
      min: 2,
      description: 'Rates learned before scoring (score 0 until then).',
    },
  },
  create: (p) =>
    new RateOfChange({
      feature: p.feature as string,
      alpha: p.alpha as number,
      threshold: p.threshold as number,
      warmup: p.warmup as number,
    }),
};
