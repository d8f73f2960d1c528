import { GaussianEstimator, type GaussianState } from './gaussian-estimator.ts';
import { infoGain } from './info-gain.ts';

/** A candidate split of a numeric feature: `x ≤ threshold` goes left. */
export interface SplitSuggestion {
  readonly feature: string;
  readonly threshold: number;
  readonly merit: number;
  /** The class distributions each side would start with: `[left, right]`. */
  readonly children: [number[], number[]];
}

/** A splitter as JSON: per class index, `[weight, mean, m2, min, max]` or `null` (class not seen). */
export type GaussianSplitterState = ([...GaussianState, number, number] | null)[];

/**
 * The Gaussian split estimator of a numeric feature at one leaf (River's `GaussianSplitter`, after
 * MOA's `GaussianNumericAttributeClassObserver`): per class, a running Gaussian and the min and max
 * seen. Candidate thresholds are `nSplits` points evenly spaced strictly between the overall min
 * and max; each class's weight goes left by its Gaussian's CDF at the threshold (all of it when the
 * threshold is at or above the class's max, none below its min).
 *
 * @example
 * const s = new GaussianSplitter();
 * for (let i = 0; i < 100; i++) s.update(i / 100, i < 50 ? 0 : 1);
 * s.bestSplit('x', [50, 50], 10, 0.01)?.threshold; // 0.54 (0.45, the other side of 0.5, ties)
 */
export class GaussianSplitter {
  private readonly perClass: (GaussianEstimator | null)[] = [];
  private readonly min: number[] = [];
  private readonly max: number[] = [];

  update(value: number, classIndex: number, w = 1): void {
    let g = this.perClass[classIndex];
    if (g === undefined || g === null) {
      while (this.perClass.length <= classIndex) this.perClass.push(null);
      g = new GaussianEstimator();
      this.perClass[classIndex] = g;
      this.min[classIndex] = value;
      this.max[classIndex] = value;
    } else {
      if (value < this.min[classIndex]!) this.min[classIndex] = value;
      if (value > this.max[classIndex]!) this.max[classIndex] = value;
    }
    g.update(value, w);
  }

  /** The density of `value` under class `classIndex`'s Gaussian (0 for a class never seen here). */
  condProba(value: number, classIndex: number): number {
    return this.perClass[classIndex]?.pdf(value) ?? 0;
  }

  /** The candidate thresholds: `nSplits` evenly spaced points strictly inside (min, max). */
  candidates(nSplits: number): number[] {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    this.perClass.forEach((g, c) => {
      if (g === null) return;
      lo = Math.min(lo, this.min[c]!);
      hi = Math.max(hi, this.max[c]!);
    });
    const out: number[] = [];
    if (!(lo < hi)) return out;
    const step = (hi - lo) / (nSplits + 1);
    for (let i = 1; i <= nSplits; i++) {
      const t = lo + step * i;
      if (lo < t && t < hi) out.push(t);
    }
    return out;
  }

  /** Left and right class distributions if the split were at `threshold`. */
  distributions(threshold: number, classCount: number): [number[], number[]] {
    const left = new Array<number>(classCount).fill(0);
    const right = new Array<number>(classCount).fill(0);
    this.perClass.forEach((g, c) => {
      if (g === null) return;
      if (threshold < this.min[c]!) right[c] = g.weight;
      else if (threshold >= this.max[c]!) left[c] = g.weight;
      else {
        left[c] = g.cdf(threshold) * g.weight;
        right[c] = g.weight - left[c]!;
      }
    });
    return [left, right];
  }

  /** The candidate with the best information gain, or `null` when none has a finite one. */
  bestSplit(
    feature: string,
    pre: readonly number[],
    nSplits: number,
    minBranchFraction: number,
  ): SplitSuggestion | null {
    let best: SplitSuggestion | null = null;
    for (const threshold of this.candidates(nSplits)) {
      const children = this.distributions(threshold, pre.length);
      const merit = infoGain(pre, children, minBranchFraction);
      if (merit > Number.NEGATIVE_INFINITY && (best === null || merit > best.merit)) {
        best = { feature, threshold, merit, children };
      }
    }
    return best;
  }

  toJSON(): GaussianSplitterState {
    return this.perClass.map((g, c) => (g === null ? null : [...g.toJSON(), this.min[c]!, this.max[c]!]));
  }

  static fromJSON(state: GaussianSplitterState): GaussianSplitter {
    const s = new GaussianSplitter();
    state.forEach((entry, c) => {
      if (entry === null) {
        s.perClass.push(null);
        s.min.push(0);
        s.max.push(0);
        return;
      }
      const [weight, mean, m2, min, max] = entry;
      s.perClass.push(new GaussianEstimator(weight, mean, m2));
      s.min[c] = min;
      s.max[c] = max;
    });
    return s;
  }
}
