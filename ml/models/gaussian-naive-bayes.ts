import type { Classifier, EstimatorSnapshot } from '../core/estimator.ts';
import type { ClassLabel, Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { mergeMoments } from '../core/partial-update.ts';
import { checkSnapshot } from '../core/snapshot-check.ts';

/** Hyperparameters (scikit-learn's `GaussianNB` names, camel-cased). */
export type GaussianNaiveBayesParams = {
  /** Added to every variance: this share of the largest feature variance (all classes together). */
  readonly varSmoothing: number;
};

const DEFAULTS: GaussianNaiveBayesParams = { varSmoothing: 1e-9 };
const KIND = 'gaussian-naive-bayes';
const VERSION = 1;

/** Welford's running mean and (population) variance: `[count, mean, m2]`. */
type Moments = [count: number, mean: number, m2: number];

/** The learned state as `snapshot()` writes it (JSON: labels kept in a list, not as object keys). */
interface GaussianNaiveBayesState {
  /** Per class: its label, its example count and per feature `[name, count, mean, m2]`. */
  readonly classes: { label: ClassLabel; count: number; features: [string, number, number, number][] }[];
  /** Per feature over all examples, for the smoothing: `[name, count, mean, m2]`. */
  readonly overall: [string, number, number, number][];
}

interface ClassStats {
  readonly label: ClassLabel;
  count: number;
  readonly features: Map<string, Moments>;
}

/**
 * Gaussian naive Bayes (scikit-learn's `GaussianNB`, learned one example at a time): per class, a
 * prior (its share of the examples) and per feature a running mean and population variance; the
 * posterior is
 *
 *     P(c | x) ∝ P(c) · Π_f N(x_f; μ_cf, σ²_cf + ε),   ε = varSmoothing · max_f Var(x_f)
 *
 * with `Var(x_f)` over all examples, as scikit-learn's `fit` sets `epsilon_` (when every feature
 * has been constant so far, ε = varSmoothing, so that a class seen once still has a density).
 * A feature counts only when every known class has seen it (so a new feature, or one a class never
 * had, does not decide by its absence); a missing feature is left out of the product.
 *
 * @example
 * const nb = new GaussianNaiveBayes();
 * for (const x of [1, 3]) nb.learnOne({ x }, 'a');
 * for (const x of [6, 8]) nb.learnOne({ x }, 'b');
 * nb.predictProbaOne({ x: 4 }).get('a'); // 1 / (1 + e^-2.5) ≈ 0.924
 */
export class GaussianNaiveBayes implements Classifier {
  readonly kind = KIND;
  readonly params: GaussianNaiveBayesParams;
  private classes: ClassStats[] = [];
  private overall = new Map<string, Moments>();
  private total = 0;

  constructor(params: Partial<GaussianNaiveBayesParams> = {}) {
    const p = { ...DEFAULTS, ...params };
    if (!(p.varSmoothing >= 0)) throw new Error(`${KIND}: varSmoothing must be >= 0, got ${p.varSmoothing}`);
    this.params = p;
  }

  learnOne(x: Features, y: ClassLabel): void {
    let stats = this.classes.find((c) => c.label === y);
    if (stats === undefined) {
      stats = { label: y, count: 0, features: new Map() };
      this.classes.push(stats);
    }
    stats.count += 1;
    this.total += 1;
    for (const name of Object.keys(x)) {
      const value = x[name]!;
      update(stats.features, name, value);
      update(this.overall, name, value);
    }
  }

  /**
   * Adds everything `other` learned (class counts, and per class and feature the moments, merged
   * by Chan et al.'s formula): afterwards this model is the one that learned both streams, with
   * `other`'s new classes after its own. Global learning merges subtasks so.
   *
   * @example
   * a.learnOne({ x: 1 }, 'a'); b.learnOne({ x: 6 }, 'b');
   * a.merge(b); // as if a had learned both
   */
  merge(other: GaussianNaiveBayes): void {
    for (const theirs of other.classes) {
      let stats = this.classes.find((c) => c.label === theirs.label);
      if (stats === undefined) {
        stats = { label: theirs.label, count: 0, features: new Map() };
        this.classes.push(stats);
      }
      stats.count += theirs.count;
      mergeInto(stats.features, theirs.features);
    }
    mergeInto(this.overall, other.overall);
    this.total += other.total;
  }

  /** log P(c) + Σ_f log N(x_f; μ_cf, σ²_cf + ε) per class, in the order classes were first seen. */
  jointLogLikelihood(x: Features): Map<ClassLabel, number> {
    const epsilon = this.epsilon();
    const names = Object.keys(x)
      .sort()
      .filter((name) => this.classes.every((c) => c.features.has(name)));
    const out = new Map<ClassLabel, number>();
    for (const c of this.classes) {
      let sum = Math.log(c.count / this.total);
      for (const name of names) {
        const [count, mean, m2] = c.features.get(name)!;
        const variance = m2 / count + epsilon;
        const d = x[name]! - mean;
        sum += -0.5 * Math.log(2 * Math.PI * variance) - (d * d) / (2 * variance);
      }
      out.set(c.label, sum);
    }
    return out;
  }

  predictProbaOne(x: Features): ReadonlyMap<ClassLabel, number> {
    const joint = this.jointLogLikelihood(x);
    let max = Number.NEGATIVE_INFINITY;
    for (const v of joint.values()) max = Math.max(max, v);
    let sum = 0;
    for (const [label, v] of joint) {
      const e = Math.exp(v - max);
      joint.set(label, e);
      sum += e;
    }
    for (const [label, e] of joint) joint.set(label, e / sum);
    return joint;
  }

  predictOne(x: Features): ClassLabel | undefined {
    let best: ClassLabel | undefined;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (const [label, v] of this.jointLogLikelihood(x)) {
      if (best === undefined || v > bestValue) {
        best = label;
        bestValue = v;
      }
    }
    return best;
  }

  /** The variance added to every class's: `varSmoothing` times the largest variance seen. */
  epsilon(): number {
    let max = 0;
    for (const [count, , m2] of this.overall.values()) max = Math.max(max, m2 / count);
    return this.params.varSmoothing * (max > 0 ? max : 1);
  }

  snapshot(): EstimatorSnapshot {
    const state: GaussianNaiveBayesState = {
      classes: this.classes.map((c) => ({
        label: c.label,
        count: c.count,
        features: [...c.features].map(([name, m]) => [name, ...m]),
      })),
      overall: [...this.overall].map(([name, m]) => [name, ...m]),
    };
    return { kind: KIND, version: VERSION, params: { ...this.params }, state };
  }

  restore(snapshot: EstimatorSnapshot): void {
    checkSnapshot(this, snapshot, VERSION);
    const state = snapshot.state as GaussianNaiveBayesState;
    this.classes = state.classes.map((c) => ({
      label: c.label,
      count: c.count,
      features: new Map(c.features.map(([name, ...m]) => [name, m as Moments])),
    }));
    this.overall = new Map(state.overall.map(([name, ...m]) => [name, m as Moments]));
    this.total = this.classes.reduce((sum, c) => sum + c.count, 0);
  }

  clone(): this {
    return new GaussianNaiveBayes(this.params) as this;
  }
}

function mergeInto(into: Map<string, Moments>, from: ReadonlyMap<string, Moments>): void {
  for (const [name, m] of from) into.set(name, mergeMoments(into.get(name) ?? [0, 0, 0], m));
}

function update(moments: Map<string, Moments>, name: string, value: number): void {
  let m = moments.get(name);
  if (m === undefined) {
    m = [0, 0, 0];
    moments.set(name, m);
  }
  const count = m[0] + 1;
  const delta = value - m[1];
  const mean = m[1] + delta / count;
  m[0] = count;
  m[1] = mean;
  m[2] += delta * (value - mean);
}

/** The registry's entry: `--model gaussian-naive-bayes`. */
export const gaussianNaiveBayesSpec: ModelSpec = {
  name: KIND,
  type: 'classifier',
  description: 'Gaussian naive Bayes: per-class running means and variances (scikit-learn GaussianNB).',
  params: {
    varSmoothing: {
      type: 'number',
      default: DEFAULTS.varSmoothing,
      min: 0,
      description: 'share of the largest feature variance added to every variance',
    },
  },
  create: (params) => new GaussianNaiveBayes(params as Partial<GaussianNaiveBayesParams>),
};
