import type { Regressor } from '../core/estimator.ts';
import { EstimatorBase } from '../core/estimator-base.ts';
import type { Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { createOptimizer } from '../core/optimizers/create-optimizer.ts';
import type { Optimizer, OptimizerName, Parameter } from '../core/optimizers/optimizer.ts';
import { optimizerNames } from '../core/optimizers/optimizer.ts';

/** Hyperparameters of {@link LinearRegression}. */
export type LinearRegressionParams = {
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  /** L2 penalty on the weights (not the intercept): the gradient gains `l2 * w`. */
  readonly l2: number;
  /** Learn an intercept. */
  readonly intercept: boolean;
};

/**
 * Linear least-squares regression learned by stochastic gradient descent, one example at a time
 * (River's `linear_model.LinearRegression`): `ŷ = b + Σ w_i x_i` over the features present, and
 * for each example the squared loss `½(ŷ - y)²` + `½ l2 |w|²` steps each present weight along
 * `(ŷ - y) x_i + l2 w_i` and the intercept along `ŷ - y`, with plain SGD, AdaGrad or Adam.
 * A feature never seen weighs 0. Predicts 0 before any learning.
 *
 * @example
 * const m = new LinearRegression({ learningRate: 0.1 });
 * for (let i = 0; i < 500; i++) m.learnOne({ x: (i % 10) / 10 }, 3 * ((i % 10) / 10) + 1);
 * m.predictOne({ x: 0.5 }); // ≈ 2.5
 */
export class LinearRegression extends EstimatorBase<LinearRegressionParams> implements Regressor {
  readonly kind = 'linear-regression';
  protected readonly version = 1;
  private readonly optimizer: Optimizer;
  private weights = new Map<string, Parameter>();
  private bias: Parameter;

  constructor(params: Partial<LinearRegressionParams> = {}) {
    super({
      optimizer: params.optimizer ?? 'sgd',
      learningRate: params.learningRate ?? 0.01,
      l2: params.l2 ?? 0,
      intercept: params.intercept ?? true,
    });
    this.optimizer = createOptimizer(this.params.optimizer, this.params.learningRate);
    this.bias = this.optimizer.parameter();
  }

  predictOne(x: Features): number {
    let y = this.bias.value;
    for (const name in x) {
      const w = this.weights.get(name);
      if (w) y += w.value * x[name]!;
    }
    return y;
  }

  learnOne(x: Features, y: number): void {
    const error = this.predictOne(x) - y;
    if (!Number.isFinite(error)) return;
    const { l2 } = this.params;
    this.optimizer.tick();
    for (const name in x) {
      let w = this.weights.get(name);
      if (!w) {
        w = this.optimizer.parameter();
        this.weights.set(name, w);
      }
      this.optimizer.step(w, error * x[name]! + l2 * w.value);
    }
    if (this.params.intercept) this.optimizer.step(this.bias, error);
  }

  /**
   * One optimizer step (one tick) with given gradients of the squared loss, e.g. a mini-batch's
   * mean gradients: each named weight steps along its gradient plus `l2 * w`, the intercept along
   * `intercept`. Global learning calls it once per round with the mean gradient merged from every
   * subtask.
   *
   * @example
   * m.applyMeanGradients([['x', -1.5]], -2); // sgd, learningRate 0.1: w_x = 0.15, intercept 0.2
   */
  applyMeanGradients(
    gradients: Iterable<readonly [feature: string, gradient: number]>,
    intercept: number,
  ): void {
    const { l2 } = this.params;
    this.optimizer.tick();
    for (const [name, g] of gradients) {
      let w = this.weights.get(name);
      if (!w) {
        w = this.optimizer.parameter();
        this.weights.set(name, w);
      }
      this.optimizer.step(w, g + l2 * w.value);
    }
    if (this.params.intercept) this.optimizer.step(this.bias, intercept);
  }

  /** The learned weights by feature, and the intercept (for inspection and tests). */
  coefficients(): { weights: Record<string, number>; intercept: number } {
    const weights: Record<string, number> = {};
    for (const [name, w] of this.weights) weights[name] = w.value;
    return { weights, intercept: this.bias.value };
  }

  protected saveState(): unknown {
    return {
      weights: [...this.weights].map(([name, w]) => [name, w.value, [...w.memory]]),
      bias: [this.bias.value, [...this.bias.memory]],
      optimizer: this.optimizer.state(),
    };
  }

  protected loadState(state: unknown): void {
    const s = state as {
      weights: [string, number, number[]][];
      bias: [number, number[]];
      optimizer: number[];
    };
    this.weights = new Map(s.weights.map(([name, value, memory]) => [name, { value, memory: [...memory] }]));
    this.bias = { value: s.bias[0], memory: [...s.bias[1]] };
    this.optimizer.restoreState(s.optimizer);
  }
}

export const linearRegressionSpec: ModelSpec = {
  name: 'linear-regression',
  type: 'regressor',
  description: 'Linear regression by online gradient descent (SGD, AdaGrad or Adam) with L2.',
  params: {
    optimizer: { type: 'string', default: 'sgd', choices: optimizerNames, description: 'Step rule.' },
    learningRate: { type: 'number', default: 0.01, min: 0, description: 'Step size.' },
    l2: { type: 'number', default: 0, min: 0, description: 'L2 penalty on the weights.' },
    intercept: { type: 'boolean', default: true, description: 'Learn an intercept.' },
  },
  create: (p) =>
    new LinearRegression({
      optimizer: p.optimizer as OptimizerName,
      learningRate: p.learningRate as number,
      l2: p.l2 as number,
      intercept: p.intercept as boolean,
    }),
};
