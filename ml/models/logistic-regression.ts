import type { Classifier, EstimatorSnapshot } from '../core/estimator.ts';
import type { ClassLabel, Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { checkSnapshot } from '../core/snapshot-check.ts';

/**
 * Hyperparameters, named as Flink ML 2.x's `OnlineLogisticRegression` names them: `alpha` and `beta`
 * (FTRL's per-coordinate learning rate `α / (β + √n)`), `reg` (regularization strength) and
 * `elasticNet` (its L1 share: `l1 = elasticNet·reg`, `l2 = (1 − elasticNet)·reg`, as Flink's
 * `FtrlIterationBody` splits them), `globalBatchSize` (gradients averaged per coordinate over a
 * batch, then one FTRL step, as Flink does; Eddy's default is 1, the paper's per-example update).
 */
export type LogisticRegressionParams = {
  readonly alpha: number;
  readonly beta: number;
  readonly reg: number;
  readonly elasticNet: number;
  readonly globalBatchSize: number;
  /** Learn a bias (a feature always 1, never regularized). Flink ML has none. */
  readonly fitIntercept: boolean;
  /** The label (as text) of the positive class; when no label matches, the second distinct label seen. */
  readonly positiveLabel: string;
};

const DEFAULTS: LogisticRegressionParams = {
  alpha: 0.1,
  beta: 0.1,
  reg: 0,
  elasticNet: 0,
  globalBatchSize: 1,
  fitIntercept: true,
  positiveLabel: '1',
};

const KIND = 'logistic-regression';
const VERSION = 1;

/** One coordinate's FTRL accumulators: `z` (adjusted gradient sum) and `n` (squared gradient sum). */
interface Coordinate {
  z: number;
  n: number;
}

/** The learned state as `snapshot()` writes it. */
interface LogisticRegressionState {
  /** The labels mapped to 0 and to 1, `null` until seen. */
  readonly negative: ClassLabel | null;
  readonly positive: ClassLabel | null;
  /** Per feature `[name, z, n]`. */
  readonly coordinates: [string, number, number][];
  readonly intercept: [number, number];
  /** The batch being collected: examples, the bias's gradient sum, per feature `[name, gradient sum, count]`. */
  readonly batch: { size: number; intercept: number; gradients: [string, number, number][] };
}

/**
 * Binary logistic regression trained by FTRL-Proximal: McMahan et al. 2013, "Ad Click Prediction:
 * a View from the Trenches", Algorithm 1, per coordinate i of an example with label y ∈ {0, 1}:
 *
 *     w_i = 0                                           if |z_i| ≤ λ1
 *     w_i = −(z_i − sgn(z_i)·λ1) / ((β + √n_i)/α + λ2)  otherwise
 *     p   = σ(w·x)
 *     g_i = (p − y)·x_i
 *     σ_i = (√(n_i + g_i²) − √n_i) / α
 *     z_i ← z_i + g_i − σ_i·w_i
 *     n_i ← n_i + g_i²
 *
 * Flink ML's `OnlineLogisticRegression` (`UpdateModel`) applies the same step to a gradient averaged
 * per coordinate over `globalBatchSize` examples; weights stay fixed within a batch. A missing
 * feature counts as 0 (its coordinate is not touched). The two labels are mapped to 0/1: the one
 * whose text is `positiveLabel` (default `'1'`, Flink ML's positive label) is 1; when neither is,
 * the first distinct label seen is 0 and the second 1. A third label is an error.
 *
 * @example
 * const model = new LogisticRegression({ alpha: 0.5, beta: 1 });
 * model.learnOne({ x: 1 }, 1);
 * model.learnOne({ x: -1 }, 0);
 * model.predictOne({ x: 2 }); // 1
 */
export class LogisticRegression implements Classifier {
  readonly kind = KIND;
  readonly params: LogisticRegressionParams;
  private readonly l1: number;
  private readonly l2: number;
  private negative: ClassLabel | null = null;
  private positive: ClassLabel | null = null;
  private coordinates = new Map<string, Coordinate>();
  private intercept: Coordinate = { z: 0, n: 0 };
  private batchSize = 0;
  private batchIntercept = 0;
  private batchGradients = new Map<string, { sum: number; count: number }>();

  constructor(params: Partial<LogisticRegressionParams> = {}) {
    const p = { ...DEFAULTS, ...params };
    if (!(p.alpha > 0)) throw new Error(`${KIND}: alpha must be > 0, got ${p.alpha}`);
    if (!(p.beta > 0)) throw new Error(`${KIND}: beta must be > 0, got ${p.beta}`);
    if (!(p.reg >= 0)) throw new Error(`${KIND}: reg must be >= 0, got ${p.reg}`);
    if (!(p.elasticNet >= 0 && p.elasticNet <= 1)) {
      throw new Error(`${KIND}: elasticNet must be in [0, 1], got ${p.elasticNet}`);
    }
    if (!Number.isInteger(p.globalBatchSize) || p.globalBatchSize < 1) {
      throw new Error(`${KIND}: globalBatchSize must be an integer >= 1, got ${p.globalBatchSize}`);
    }
    this.params = p;
    this.l1 = p.elasticNet * p.reg;
    this.l2 = (1 - p.elasticNet) * p.reg;
  }

  /** The current weight of `feature` (0 for an unseen one), from its z and n. */
  weight(feature: string): number {
    const c = this.coordinates.get(feature);
    return c === undefined ? 0 : this.weightOf(c, this.l1, this.l2);
  }

  /** The current bias (0 without `fitIntercept`). */
  bias(): number {
    return this.params.fitIntercept ? this.weightOf(this.intercept, 0, 0) : 0;
  }

  /** The FTRL accumulators of `feature`, for inspection. */
  accumulators(feature: string): { z: number; n: number } {
    const c = this.coordinates.get(feature);
    return { z: c?.z ?? 0, n: c?.n ?? 0 };
  }

  /** P(positive class | x). */
  probability(x: Features): number {
    let margin = this.bias();
    for (const name of Object.keys(x).sort()) margin += this.weight(name) * x[name]!;
    return sigmoid(margin);
  }

  learnOne(x: Features, y: ClassLabel): void {
    const target = this.labelIndex(y);
    const error = this.probability(x) - target;
    for (const name of Object.keys(x)) {
      const entry = this.batchGradients.get(name);
      const g = error * x[name]!;
      if (entry === undefined) this.batchGradients.set(name, { sum: g, count: 1 });
      else {
        entry.sum += g;
        entry.count += 1;
      }
    }
    this.batchIntercept += error;
    this.batchSize += 1;
    if (this.batchSize >= this.params.globalBatchSize) this.applyBatch();
  }

  predictProbaOne(x: Features): ReadonlyMap<ClassLabel, number> {
    const { negative, positive } = this;
    if (negative === null && positive === null) return new Map();
    if (positive === null) return new Map([[negative as ClassLabel, 1]]);
    if (negative === null) return new Map([[positive, 1]]);
    const p = this.probability(x);
    return new Map([
      [negative, 1 - p],
      [positive, p],
    ]);
  }

  predictOne(x: Features): ClassLabel | undefined {
    const { negative, positive } = this;
    if (negative === null || positive === null) return negative ?? positive ?? undefined;
    return this.probability(x) >= 0.5 ? positive : negative;
  }

  snapshot(): EstimatorSnapshot {
    const state: LogisticRegressionState = {
      negative: this.negative,
      positive: this.positive,
      coordinates: [...this.coordinates].map(([name, c]) => [name, c.z, c.n]),
      intercept: [this.intercept.z, this.intercept.n],
      batch: {
        size: this.batchSize,
        intercept: this.batchIntercept,
        gradients: [...this.batchGradients].map(([name, g]) => [name, g.sum, g.count]),
      },
    };
    return { kind: KIND, version: VERSION, params: { ...this.params }, state };
  }

  restore(snapshot: EstimatorSnapshot): void {
    checkSnapshot(this, snapshot, VERSION);
    const state = snapshot.state as LogisticRegressionState;
    this.negative = state.negative;
    this.positive = state.positive;
    this.coordinates = new Map(state.coordinates.map(([name, z, n]) => [name, { z, n }]));
    this.intercept = { z: state.intercept[0], n: state.intercept[1] };
    this.batchSize = state.batch.size;
    this.batchIntercept = state.batch.intercept;
    this.batchGradients = new Map(state.batch.gradients.map(([name, sum, count]) => [name, { sum, count }]));
  }

  clone(): this {
    return new LogisticRegression(this.params) as this;
  }

  /** The labels mapped to 0 (negative) and 1 (positive), `null` until seen. */
  labels(): { negative: ClassLabel | null; positive: ClassLabel | null } {
    return { negative: this.negative, positive: this.positive };
  }

  /**
   * One FTRL-Proximal step per coordinate with a given gradient (Flink's `UpdateModel` with a
   * global batch's mean gradient): each named feature's coordinate, and the bias with
   * `intercept` when `fitIntercept`. Global learning calls it once per round with the mean
   * gradients merged from every subtask.
   *
   * @example
   * model.applyMeanGradients([['x', -0.5]], -0.5); // one FTRL step of x and of the bias
   */
  applyMeanGradients(
    gradients: Iterable<readonly [feature: string, gradient: number]>,
    intercept: number,
  ): void {
    for (const [name, g] of gradients) this.stepFeature(name, g);
    if (this.params.fitIntercept) this.step(this.intercept, intercept, 0, 0);
  }

  /**
   * 0 for the negative class, 1 for the positive; learns the two labels as they come (see the
   * class comment); a third label is an error.
   */
  labelIndex(y: ClassLabel): 0 | 1 {
    if (y === this.positive) return 1;
    if (y === this.negative) return 0;
    if (this.positive === null && String(y) === this.params.positiveLabel) {
      this.positive = y;
      return 1;
    }
    if (this.negative === null) {
      this.negative = y;
      return 0;
    }
    if (this.positive === null) {
      this.positive = y;
      return 1;
    }
    throw new Error(
      `${KIND}: is binary and already knows the labels ${String(this.negative)} and ${String(this.positive)}; got a third one, ${String(y)}`,
    );
  }

  /** One FTRL step per coordinate with the batch's mean gradient (Flink's `UpdateModel`). */
  private applyBatch(): void {
    for (const [name, { sum, count }] of this.batchGradients) this.stepFeature(name, sum / count);
    if (this.params.fitIntercept) this.step(this.intercept, this.batchIntercept / this.batchSize, 0, 0);
    this.batchGradients.clear();
    this.batchIntercept = 0;
    this.batchSize = 0;
  }

  private stepFeature(name: string, g: number): void {
    let c = this.coordinates.get(name);
    if (c === undefined) {
      c = { z: 0, n: 0 };
      this.coordinates.set(name, c);
    }
    this.step(c, g, this.l1, this.l2);
  }

  private step(c: Coordinate, g: number, l1: number, l2: number): void {
    const w = this.weightOf(c, l1, l2);
    const sigma = (Math.sqrt(c.n + g * g) - Math.sqrt(c.n)) / this.params.alpha;
    c.z += g - sigma * w;
    c.n += g * g;
  }

  private weightOf(c: Coordinate, l1: number, l2: number): number {
    if (Math.abs(c.z) <= l1) return 0;
    return -(c.z - Math.sign(c.z) * l1) / ((this.params.beta + Math.sqrt(c.n)) / this.params.alpha + l2);
  }
}

function sigmoid(margin: number): number {
  if (margin >= 0) return 1 / (1 + Math.exp(-margin));
  const e = Math.exp(margin);
  return e / (1 + e);
}

/** The registry's entry: `--model logistic-regression`. */
export const logisticRegressionSpec: ModelSpec = {
  name: KIND,
  type: 'classifier',
  description: "Binary logistic regression trained by FTRL-Proximal (Flink ML's OnlineLogisticRegression).",
  params: {
    alpha: {
      type: 'number',
      default: DEFAULTS.alpha,
      min: Number.MIN_VALUE,
      description: 'FTRL alpha (learning rate scale)',
    },
    beta: {
      type: 'number',
      default: DEFAULTS.beta,
      min: Number.MIN_VALUE,
      description: 'FTRL beta (learning rate smoothing)',
    },
    reg: { type: 'number', default: DEFAULTS.reg, min: 0, description: 'regularization strength (L1 + L2)' },
    elasticNet: {
      type: 'number',
      default: DEFAULTS.elasticNet,
      min: 0,
      max: 1,
      description: 'L1 share of reg: l1 = elasticNet*reg, l2 = (1-elasticNet)*reg',
    },
    globalBatchSize: {
      type: 'integer',
      default: DEFAULTS.globalBatchSize,
      min: 1,
      description: 'examples whose mean gradient makes one FTRL step',
    },
    fitIntercept: {
      type: 'boolean',
      default: DEFAULTS.fitIntercept,
      description: 'learn an unregularized bias',
    },
    positiveLabel: {
      type: 'string',
      default: DEFAULTS.positiveLabel,
      description: "the positive class's label ('' = the second label seen)",
    },
  },
  create: (params) => new LogisticRegression(params as Partial<LogisticRegressionParams>),
};
