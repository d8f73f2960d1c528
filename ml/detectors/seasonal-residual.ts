import erfcinv from '@stdlib/math-base-special-erfcinv';
import type { AnomalyExplanation, DetectorSpec } from './detector.ts';
import { EwMoments } from './ew-moments.ts';
import { formatNumber, warmingUp } from './explanation-text.ts';
import { checkInteger, checkNumber } from './param-checks.ts';
import { predictiveDeviation, predictiveZ } from './predictive-z.ts';
import { thresholdScore, zDistance } from './score-mapping.ts';
import { FEATURE_PARAM, UnivariateDetector } from './univariate-detector.ts';

/** Hyperparameters of {@link SeasonalResidual}. */
export type SeasonalResidualParams = {
  readonly feature: string;
  /** Width of a time-of-day bucket in minutes (60: one profile value per hour). */
  readonly bucketMinutes: number;
  /** Local time = UTC + this many minutes (where the day starts for the buckets). */
  readonly utcOffsetMinutes: number;
  /** Weight of each new value in its bucket's mean and variance. */
  readonly alpha: number;
  /** The |z| at which the score is 0.5 (its least, with `falseAlarmsPerDay`). */
  readonly threshold: number;
  /**
   * Expected false alarms per day on Gaussian noise: the threshold rises with the sampling rate
   * (seen in the values' timestamps) so that a series sampled every second does not alert more
   * often than one sampled every 5 minutes. 0: the fixed `threshold`.
   */
  readonly falseAlarmsPerDay: number;
  /** Values a bucket must have learned before values in it are scored; at least 2. */
  readonly warmup: number;
};

const DEFAULTS: SeasonalResidualParams = {
  feature: 'value',
  bucketMinutes: 60,
  utcOffsetMinutes: 0,
  alpha: 0.05,
  threshold: 3,
  falseAlarmsPerDay: 0,
  warmup: 10,
};

/** Weight of each new gap in the typical interval between values. */
const INTERVAL_ALPHA = 0.05;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Seasonal residual: a daily profile, one running mean and variance ({@link EwMoments}) per
 * time-of-day bucket, and the residual of each value from its bucket's mean, as the normal z of
 * the same rarity ({@link predictiveZ}: a bucket's mean and spread are estimated from few values,
 * so the plain `|x - mean_b| / std_b` is heavy-tailed and alerted on noise as its bucket warmed
 * up), scored with {@link thresholdScore}. It finds values normal for the day but not for the hour
 * (heating at night). Bucket `b = floor(((ts + utcOffset) mod day) / bucketWidth)`. A bucket scores
 * 0 until it has learned `warmup` values (so the first day mostly scores 0); each bucket forgets
 * with `alpha`, so the profile follows drift (after `~3/alpha` visits per bucket). With
 * `falseAlarmsPerDay`, the threshold rises with the series' sampling rate to keep that many false
 * alarms per day on Gaussian noise. Memory: 3 numbers per bucket, 2 per series.
 *
 * @example
 * const d = new SeasonalResidual({ bucketMinutes: 60, warmup: 2 });
 * d.learnOne({ value: 10 }, 0); d.learnOne({ value: 12 }, 60_000);        // 00:00–01:00: 11 ± 1
 * d.learnOne({ value: 30 }, 3_600_000); d.learnOne({ value: 30 }, 3_660_000); // 01:00–02:00: 30 ± 0
 * d.explainOne({ value: 14 }, 86_400_000 + 120_000); // next day 00:02: z = 3, score 0.5
 */
export class SeasonalResidual extends UnivariateDetector<SeasonalResidualParams> {
  readonly kind = 'seasonal-residual';
  protected readonly version = 1;
  private buckets = new Map<number, EwMoments>();
  /** The latest timestamp learned, and the typical gap between values (EW mean; NaN until known). */
  private lastTs = Number.NaN;
  private interval = Number.NaN;

  constructor(params: Partial<SeasonalResidualParams> = {}) {
    super({ ...DEFAULTS, ...params });
    checkInteger(this.kind, 'bucketMinutes', this.params.bucketMinutes, 1, 1440);
    checkInteger(this.kind, 'utcOffsetMinutes', this.params.utcOffsetMinutes, -1440, 1440);
    checkNumber(this.kind, 'alpha', this.params.alpha, 0, 1);
    checkNumber(this.kind, 'threshold', this.params.threshold, 0);
    checkNumber(
      this.kind,
      'falseAlarmsPerDay',
      this.params.falseAlarmsPerDay,
      0,
      Number.POSITIVE_INFINITY,
      false,
    );
    checkInteger(this.kind, 'warmup', this.params.warmup, 2);
  }

  protected scoreValue(value: number, ts: number): number {
    const m = this.buckets.get(this.bucketOf(ts));
    if (!m || m.n < this.params.warmup) return 0;
    return thresholdScore(predictiveZ(value - m.mean, m.std, m.effectiveCount), this.threshold());
  }

  /**
   * The |z| scoring 0.5 now: `threshold`, or with `falseAlarmsPerDay` the two-sided normal quantile
   * of a per-value false-alarm probability of `falseAlarmsPerDay * interval / day`, if higher.
   */
  private threshold(): number {
    const { threshold, falseAlarmsPerDay } = this.params;
    if (!(falseAlarmsPerDay > 0) || !(this.interval > 0)) return threshold;
    const perValue = Math.min(1, (falseAlarmsPerDay * this.interval) / DAY);
    return Math.max(threshold, Math.SQRT2 * erfcinv(perValue));
  }

  protected explainValue(value: number, ts: number): AnomalyExplanation {
    const bucket = this.bucketOf(ts);
    const m = this.buckets.get(bucket);
    if (!m || m.n < this.params.warmup) {
      return warmingUp(m?.n ?? 0, this.params.warmup, `values for ${this.bucketLabel(bucket)}`);
    }
    const n = m.effectiveCount;
    const z = predictiveZ(value - m.mean, m.std, n);
    const threshold = this.threshold();
    const band = predictiveDeviation(threshold, m.std, n);
    return {
      score: thresholdScore(z, threshold),
      expected: m.mean,
      lower: m.mean - band,
      upper: m.mean + band,
      reason: `${formatNumber(value)} is ${formatNumber(zDistance(value - m.mean, m.std))} std from the usual ${formatNumber(m.mean)} for ${this.bucketLabel(bucket)} (${formatNumber(z)} corrected for ${formatNumber(n)} values)`,
    };
  }

  protected learnValue(value: number, ts: number): void {
    const gap = ts - this.lastTs;
    if (gap > 0) {
      this.interval = Number.isNaN(this.interval)
        ? gap
        : this.interval + INTERVAL_ALPHA * (gap - this.interval);
    }
    if (!(ts <= this.lastTs)) this.lastTs = ts;
    const bucket = this.bucketOf(ts);
    let m = this.buckets.get(bucket);
    if (!m) {
      m = new EwMoments(this.params.alpha);
      this.buckets.set(bucket, m);
    }
    m.update(value);
  }

  private bucketOf(ts: number): number {
    const local = ts + this.params.utcOffsetMinutes * MINUTE;
    const timeOfDay = ((local % DAY) + DAY) % DAY;
    return Math.floor(timeOfDay / (this.params.bucketMinutes * MINUTE));
  }

  /** `01:00–02:00` (local time). */
  private bucketLabel(bucket: number): string {
    const start = bucket * this.params.bucketMinutes;
    const end = Math.min(start + this.params.bucketMinutes, 1440);
    return `${clock(start)}–${clock(end)}`;
  }

  protected saveState(): unknown {
    return {
      buckets: [...this.buckets].sort(([a], [b]) => a - b).map(([b, m]) => [b, ...m.toJSON()]),
      // JSON-safe: NaN (not known yet) is saved as null
      lastTs: Number.isNaN(this.lastTs) ? null : this.lastTs,
      interval: Number.isNaN(this.interval) ? null : this.interval,
    };
  }

  protected loadState(state: unknown): void {
    const { buckets, lastTs, interval } = state as {
      buckets: number[][];
      lastTs?: number | null;
      interval?: number | null;
    };
    this.buckets = new Map(
      buckets.map(([b = 0, ...m]) => [b, EwMoments.fromJSON(this.params.alpha, m)] as const),
    );
    this.lastTs = lastTs ?? Number.NaN;
    this.interval = interval ?? Number.NaN;
  }
}

function clock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

export const seasonalResidualSpec: DetectorSpec = {
  name: 'seasonal-residual',
  description: 'Residual from a daily profile (running mean and std per time-of-day bucket).',
  input: 'univariate',
  detects: ['seasonal', 'spike'],
  params: {
    feature: FEATURE_PARAM,
    bucketMinutes: {
      type: 'integer',
      default: DEFAULTS.bucketMinutes,
      min: 1,
      max: 1440,
      description: 'Width of a time-of-day bucket in minutes.',
    },
    utcOffsetMinutes: {
      type: 'integer',
      default: DEFAULTS.utcOffsetMinutes,
      min: -1440,
      max: 1440,
      description: 'Local time minus UTC in minutes (where the day starts).',
    },
    alpha: {
      type: 'number',
      default: DEFAULTS.alpha,
      min: Number.MIN_VALUE,
      max: 1,
      description: "Weight of each new value in its bucket's statistics.",
    },
    threshold: {
      type: 'number',
      default: DEFAULTS.threshold,
      min: Number.MIN_VALUE,
      description: 'The |z| scoring 0.5 (normal-equivalent: corrected for how few values a bucket has).',
    },
    falseAlarmsPerDay: {
      type: 'number',
      default: DEFAULTS.falseAlarmsPerDay,
      min: 0,
      description:
        'Expected false alarms per day on Gaussian noise: raises the threshold with the sampling rate (0: off).',
    },
    warmup: {
      type: 'integer',
      default: DEFAULTS.warmup,
      min: 2,
      description: 'Values a bucket learns before its values are scored.',
    },
  },
  create: (p) =>
    new SeasonalResidual({
      feature: p.feature as string,
      bucketMinutes: p.bucketMinutes as number,
      utcOffsetMinutes: p.utcOffsetMinutes as number,
      alpha: p.alpha as number,
      threshold: p.threshold as number,
      falseAlarmsPerDay: p.falseAlarmsPerDay as number,
      warmup: p.warmup as number,
    }),
};
