import type { AnomalyExplanation, DetectorSpec } from './detector.ts';
import { formatNumber, warmingUp } from './explanation-text.ts';
import { checkInteger, checkNumber } from './param-checks.ts';
import { thresholdScore, zDistance } from './score-mapping.ts';
import { SortedWindow } from './sorted-window.ts';
import { FEATURE_PARAM, UnivariateDetector } from './univariate-detector.ts';

/** Hyperparameters of {@link MedianMad}. */
export type MedianMadParams = {
  readonly feature: string;
  /** How many of the latest values the median and MAD cover. */
  readonly window: number;
  /** The modified z-score at which the score is 0.5 (Iglewicz and Hoaglin suggest 3.5). */
  readonly threshold: number;
  /** Values learned before anything is scored; at least 2. */
  readonly warmup: number;
};

const DEFAULTS: MedianMadParams = { feature: 'value', window: 100, threshold: 3.5, warmup: 30 };

/** MAD of a normal sample ≈ 0.6745 σ: dividing by it puts the MAD on the std's scale. */
const MAD_TO_STD = 1 / 0.6745;
/** Mean absolute deviation of a normal sample ≈ 0.7979 σ (the fallback when MAD is 0). */
const MEAN_AD_TO_STD = 1 / 0.7979;

/**
 * Robust z-score over a window: median and median absolute deviation (MAD) of the last `window`
 * values, statistic `|x - median| / (MAD / 0.6745)` (Iglewicz and Hoaglin's modified z-score),
 * scored with {@link thresholdScore} (0.5 at `threshold`). Spikes in the window barely move the
 * median and MAD, unlike a mean and std, so a burst of anomalies does not mask the next one. When
 * more than half the window is one value (MAD 0) the scale falls back to the mean absolute
 * deviation / 0.7979; if that is 0 too, any other value scores 1. The normal range is
 * `median ± threshold·MAD/0.6745`. O(window) per value.
 *
 * @example
 * const d = new MedianMad({ window: 5, warmup: 5 });
 * [1, 2, 3, 4, 100].forEach((v, i) => d.learnOne({ value: v }, i));
 * d.explainOne({ value: 10 }, 5); // median 3, MAD 1: z = 0.6745·7 = 4.72, score 0.92
 */
export class MedianMad extends UnivariateDetector<MedianMadParams> {
  readonly kind = 'median-mad';
  protected readonly version = 1;
  private window: SortedWindow;
  private learned = 0;

  constructor(params: Partial<MedianMadParams> = {}) {
    super({ ...DEFAULTS, ...params });
    checkInteger(this.kind, 'window', this.params.window, 2);
    checkInteger(this.kind, 'warmup', this.params.warmup, 2);
    checkNumber(this.kind, 'threshold', this.params.threshold, 0);
    this.window = new SortedWindow(this.params.window);
  }

  protected scoreValue(value: number): number {
    if (this.learned < this.params.warmup) return 0;
    const median = this.window.median();
    return thresholdScore(zDistance(value - median, this.scale(median)), this.params.threshold);
  }

  protected explainValue(value: number): AnomalyExplanation {
    if (this.learned < this.params.warmup) return warmingUp(this.learned, this.params.warmup);
    const median = this.window.median();
    const scale = this.scale(median);
    const z = zDistance(value - median, scale);
    const band = this.params.threshold * scale;
    return {
      score: thresholdScore(z, this.params.threshold),
      expected: median,
      lower: median - band,
      upper: median + band,
      reason: `${formatNumber(value)} is ${formatNumber(z)} robust std from the median ${formatNumber(median)} (last ${this.window.length} values)`,
    };
  }

  protected learnValue(value: number): void {
    this.window.push(value);
    this.learned += 1;
  }

  /** The std-equivalent spread: MAD / 0.6745, else mean absolute deviation / 0.7979. */
  private scale(median: number): number {
    const mad = this.window.medianAbsoluteDeviation(median);
    if (mad > 0) return mad * MAD_TO_STD;
    return this.window.meanAbsoluteDeviation(median) * MEAN_AD_TO_STD;
  }

  protected saveState(): unknown {
    return { values: this.window.values(), learned: this.learned };
  }

  protected loadState(state: unknown): void {
    const s = state as { values: number[]; learned: number };
    this.window = SortedWindow.from(this.params.window, s.values);
    this.learned = s.learned;
  }
}

export const medianMadSpec: DetectorSpec = {
  name: 'median-mad',
  description: 'Robust z-score: distance from the windowed median in MADs (modified z-score).',
  input: 'univariate',
  detects: ['spike'],
  params: {
    feature: FEATURE_PARAM,
    window: { type: 'integer', default: DEFAULTS.window, min: 2, description: 'Values the median covers.' },
    threshold: {
      type: 'number',
      default: DEFAULTS.threshold,
      min: Number.MIN_VALUE,
      description: 'The modified z-score scoring 0.5.',
    },
    warmup: {
      type: 'integer',
      default: DEFAULTS.warmup,
      min: 2,
      description: 'Values learned before scoring (score 0 until then).',
    },
  },
  create: (p) =>
    new MedianMad({
      feature: p.feature as string,
      window: p.window as number,
      threshold: p.threshold as number,
      warmup: p.warmup as number,
    }),
};
