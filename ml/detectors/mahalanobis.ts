import { EstimatorBase } from '../core/estimator-base.ts';
import type { Features } from '../core/features.ts';
import type { AnomalyDetector, AnomalyExplanation, DetectorSpec } from './detector.ts';
import { EwCovariance, type EwCovarianceState } from './ew-covariance.ts';
import { formatNumber } from './explanation-text.ts';
import { squaredMahalanobis } from './mahalanobis-distance.ts';
import { checkInteger, checkNumber } from './param-checks.ts';
import { chiSquareToZ, thresholdScore, zDistance } from './score-mapping.ts';

/** Hyperparameters of {@link MahalanobisDetector}. */
export type MahalanobisParams = {
  /** Weight of each new record in the running mean and covariance. */
  readonly alpha: number;
  /** The Wilson–Hilferty z of the squared distance at which the score is 0.5. */
  readonly threshold: number;
  /** Records a feature must have been in before it takes part in the distance; at least 2. */
  readonly warmup: number;
  /** Ridge added to the covariance's diagonal, relative to its mean variance. */
  readonly ridge: number;
};

const DEFAULTS: MahalanobisParams = { alpha: 0.01, threshold: 3, warmup: 30, ridge: 0.001 };

/** The features of a record the distance uses, their deviations and covariance. */
interface Selection {
  readonly indices: number[];
  readonly deviation: Float64Array;
  readonly cov: Float64Array;
}

/**
 * Online Mahalanobis distance over all the metrics of a record (a device's readings together): a
 * running mean vector and covariance ({@link EwCovariance}, forgetting with `alpha`), and the
 * squared distance `D² = dᵀ (Σ + λI)⁻¹ d` of each record's deviation from the mean
 * ({@link squaredMahalanobis}, ridge-regularised). It finds records whose metrics are each within
 * range but unusual together (humidity up while the temperature falls). `D²` is chi-square with k
 * degrees of freedom for k metrics; its Wilson–Hilferty z ({@link chiSquareToZ}) is scored with
 * {@link thresholdScore}, so `threshold` is in standard deviations whatever k is.
 *
 * Only the features present in the record and learned from at least `warmup` records take part
 * (the marginal distribution of those: missing metrics are left out, not imputed); new features
 * join when they appear. O(k³) per score for k features. Feature order has no effect.
 *
 * @example
 * const d = new MahalanobisDetector({ warmup: 6, ridge: 0 });
 * [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, -1]].forEach(([a, b], i) => d.learnOne({ a, b }, i));
 * d.explainOne({ a: 1, b: -1 }, 6); // D² = 6 over 2 features (across the correlation)
 * d.explainOne({ a: 1, b: 1 }, 6); // D² = 2 (along it: same Euclidean distance, more usual)
 */
export class MahalanobisDetector extends EstimatorBase<MahalanobisParams> implements AnomalyDetector {
  readonly kind = 'mahalanobis';
  protected readonly version = 1;
  private moments: EwCovariance;

  constructor(params: Partial<MahalanobisParams> = {}) {
    super({ ...DEFAULTS, ...params });
    checkNumber(this.kind, 'alpha', this.params.alpha, 0, 1);
    checkNumber(this.kind, 'threshold', this.params.threshold, 0);
    checkInteger(this.kind, 'warmup', this.params.warmup, 2);
    checkNumber(this.kind, 'ridge', this.params.ridge, 0, Number.POSITIVE_INFINITY, false);
    this.moments = new EwCovariance(this.params.alpha);
  }

  scoreOne(x: Features, _ts?: number): number {
    const s = this.select(x);
    if (s.indices.length === 0) return 0;
    const d2 = squaredMahalanobis(s.cov, s.indices.length, s.deviation, this.params.ridge);
    return thresholdScore(chiSquareToZ(d2, s.indices.length), this.params.threshold);
  }

  explainOne(x: Features, _ts?: number): AnomalyExplanation {
    const s = this.select(x);
    const k = s.indices.length;
    if (k === 0) {
      return { score: 0, reason: `warming up (no feature learned from ${this.params.warmup} records yet)` };
    }
    const d2 = squaredMahalanobis(s.cov, k, s.deviation, this.params.ridge);
    const z = chiSquareToZ(d2, k);
    return {
      score: thresholdScore(z, this.params.threshold),
      reason: `Mahalanobis D² ${formatNumber(d2)} over ${k} features (z ${formatNumber(z)}); ${this.mostUnusual(s)}`,
    };
  }

  learnOne(x: Features, _ts?: number): void {
    this.moments.update(x);
  }

  /** The features of `x` that are warmed up, in name order, with their deviations and covariance. */
  private select(x: Features): Selection {
    const m = this.moments;
    const indices: number[] = [];
    m.names.forEach((name, i) => {
      const v = Object.hasOwn(x, name) ? x[name] : undefined;
      if (v !== undefined && Number.isFinite(v) && m.counts[i]![i]! >= this.params.warmup) indices.push(i);
    });
    const k = indices.length;
    const deviation = new Float64Array(k);
    const cov = new Float64Array(k * k);
    indices.forEach((i, p) => {
      deviation[p] = x[m.names[i]!]! - m.mean[i]!;
      indices.forEach((j, q) => {
        cov[p * k + q] = m.cov[i]![j]!;
      });
    });
    return { indices, deviation, cov };
  }

  /** `most unusual: b = 5 (usual 1 ± 0.5)`: the feature with the largest marginal z. */
  private mostUnusual(s: Selection): string {
    const k = s.indices.length;
    let best = 0;
    let bestZ = -1;
    for (let p = 0; p < k; p++) {
      const z = zDistance(s.deviation[p]!, Math.sqrt(s.cov[p * k + p]!));
      if (z > bestZ) [best, bestZ] = [p, z];
    }
    const i = s.indices[best]!;
    const m = this.moments;
    const value = m.mean[i]! + s.deviation[best]!;
    const std = Math.sqrt(s.cov[best * k + best]!);
    return `most unusual: ${m.names[i]} = ${formatNumber(value)} (usual ${formatNumber(m.mean[i]!)} ± ${formatNumber(std)})`;
  }

  protected saveState(): unknown {
    return { moments: this.moments.toJSON() };
  }

  protected loadState(state: unknown): void {
    const { moments } = state as { moments: EwCovarianceState };
    this.moments = EwCovariance.fromJSON(this.params.alpha, moments);
  }
}

export const mahalanobisSpec: DetectorSpec = {
  name: 'mahalanobis',
  description: "Online Mahalanobis distance over a record's metrics (running mean and covariance).",
  input: 'multivariate',
  detects: ['correlation', 'spike'],
  params: {
    alpha: {
      type: 'number',
      default: DEFAULTS.alpha,
      min: Number.MIN_VALUE,
      max: 1,
      description: 'Weight of each new record in the mean and covariance.',
    },
    threshold: {
      type: 'number',
      default: DEFAULTS.threshold,
      min: Number.MIN_VALUE,
      description: 'The z (Wilson–Hilferty of D²) scoring 0.5.',
    },
    warmup: {
      type: 'integer',
      default: DEFAULTS.warmup,
      min: 2,
      description: 'Records a feature is learned from before it takes part.',
    },
    ridge: {
      type: 'number',
      default: DEFAULTS.ridge,
      min: 0,
      description: 'Ridge on the covariance diagonal, relative to the mean variance.',
    },
  },
  create: (p) =>
    new MahalanobisDetector({
      alpha: p.alpha as number,
      threshold: p.threshold as number,
      warmup: p.warmup as number,
      ridge: p.ridge as number,
    }),
};
