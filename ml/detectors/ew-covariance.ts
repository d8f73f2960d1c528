import type { Features } from '../core/features.ts';

/** {@link EwCovariance}'s state as JSON: features in name order, their means, covariances, counts. */
export interface EwCovarianceState {
  readonly names: string[];
  readonly mean: number[];
  readonly cov: number[][];
  readonly counts: number[][];
}

/**
 * Running mean vector and covariance matrix over named features, exponentially weighted like
 * {@link EwMoments} (weight `max(alpha, 1/n)`: exact population moments for the first `1/alpha`
 * records, then forgetting). Features are kept in name order, so the order in which a record lists
 * them never matters. A feature seen for the first time joins with its value as mean and no
 * variance or covariance; a record without some features updates only the moments among those
 * it has (each pair with its own count), so the matrix can drift from positive definite: whoever
 * inverts it regularises ({@link squaredMahalanobis}).
 *
 *     d = x - mean (before);  mean_i += a_i·d_i;  cov_ij = (1 - a_ij)·(cov_ij + a_ij·d_i·d_j)
 *
 * @example
 * const c = new EwCovariance(0.01);
 * [{ a: 1, b: 2 }, { a: 3, b: 6 }].forEach((x) => c.update(x));
 * c.mean; // [2, 4]
 * c.cov; // [[1, 2], [2, 4]]
 */
export class EwCovariance {
  names: string[] = [];
  mean: number[] = [];
  cov: number[][] = [];
  /** How many records had both features i and j (the diagonal: records with feature i). */
  counts: number[][] = [];

  constructor(readonly alpha: number) {}

  /** The index of `name`, or -1. */
  indexOf(name: string): number {
    return this.names.indexOf(name);
  }

  update(x: Features): void {
    for (const name of Object.keys(x).sort()) {
      if (Number.isFinite(x[name]) && this.indexOf(name) < 0) this.addFeature(name);
    }
    const present: number[] = [];
    const deviation: number[] = [];
    this.names.forEach((name, i) => {
      const v = Object.hasOwn(x, name) ? x[name] : undefined;
      if (v === undefined || !Number.isFinite(v)) return;
      present.push(i);
      deviation.push(v - this.mean[i]!);
    });
    present.forEach((i, p) => {
      const n = this.counts[i]![i]! + 1;
      this.counts[i]![i] = n;
      this.mean[i]! += Math.max(this.alpha, 1 / n) * deviation[p]!;
    });
    for (let p = 0; p < present.length; p++) {
      const i = present[p]!;
      for (let q = p; q < present.length; q++) {
        const j = present[q]!;
        const n = i === j ? this.counts[i]![i]! : this.counts[i]![j]! + 1;
        this.counts[i]![j] = n;
        this.counts[j]![i] = n;
        const a = Math.max(this.alpha, 1 / n);
        const c = (1 - a) * (this.cov[i]![j]! + a * deviation[p]! * deviation[q]!);
        this.cov[i]![j] = c;
        this.cov[j]![i] = c;
      }
    }
  }

  toJSON(): EwCovarianceState {
    return {
      names: [...this.names],
      mean: [...this.mean],
      cov: this.cov.map((row) => [...row]),
      counts: this.counts.map((row) => [...row]),
    };
  }

  static fromJSON(alpha: number, state: EwCovarianceState): EwCovariance {
    const c = new EwCovariance(alpha);
    c.names = [...state.names];
    c.mean = [...state.mean];
    c.cov = state.cov.map((row) => [...row]);
    c.counts = state.counts.map((row) => [...row]);
    return c;
  }

  /** Inserts a feature at its place in name order, with zero moments. */
  private addFeature(name: string): void {
    let at = this.names.findIndex((n) => n > name);
    if (at < 0) at = this.names.length;
    this.names.splice(at, 0, name);
    this.mean.splice(at, 0, 0);
    for (const row of this.cov) row.splice(at, 0, 0);
    for (const row of this.counts) row.splice(at, 0, 0);
    this.cov.splice(at, 0, new Array<number>(this.names.length).fill(0));
    this.counts.splice(at, 0, new Array<number>(this.names.length).fill(0));
  }
}
