import type { Regressor } from '../core/estimator.ts';
import { EstimatorBase } from '../core/estimator-base.ts';
import type { Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { LinearUnit, paStepSize, squaredNorm } from './passive-aggressive-unit.ts';

/** Hyperparameters of {@link PassiveAggressiveRegressor}. */
export type PassiveAggressiveRegressorParams = {
  /** Aggressiveness: the largest step (PA-I's C). */
  readonly C: number;
  /** Errors up to epsilon cost nothing (the epsilon-insensitive loss). */
  readonly epsilon: number;
  readonly intercept: boolean;
};

/**
 * Passive-aggressive regression, PA-I (Crammer, Dekel, Keshet, Shalev-Shwartz and Singer 2006,
 * "Online Passive-Aggressive Algorithms", section 5): with `ŷ = w·x + b` and the loss
 * `ℓ = max(0, |y - ŷ| - ε)`, each example moves `w` by `sign(y - ŷ) τ x` with
 * `τ = min(C, ℓ / ||x||²)`: the smallest change that brings the error within ε, capped by C.
 * With an intercept, `b` is the weight of a constant feature 1 (and counts in `||x||²`).
 *
 * @example
 * const m = new PassiveAggressiveRegressor({ C: 1, epsilon: 0, intercept: false });
 * m.learnOne({ a: 1, b: 1 }, 4); // ℓ = 4, ||x||² = 2, τ = min(1, 2) = 1
 * m.predictOne({ a: 1, b: 1 }); // 2
 */
export class PassiveAggressiveRegressor
  extends EstimatorBase<PassiveAggressiveRegressorParams>
  implements Regressor
{
  readonly kind = 'passive-aggressive-regressor';
  protected readonly version = 1;
  private unit = new LinearUnit();

  constructor(params: Partial<PassiveAggressiveRegressorParams> = {}) {
    super({ C: params.C ?? 1, epsilon: params.epsilon ?? 0.1, intercept: params.intercept ?? true });
  }

  predictOne(x: Features): number {
    return this.unit.margin(x);
  }

  learnOne(x: Features, y: number): void {
    const error = y - this.unit.margin(x);
    const loss = Math.max(0, Math.abs(error) - this.params.epsilon);
    if (!(loss > 0)) return;
    const tau = paStepSize(loss, squaredNorm(x, this.params.intercept), this.params.C);
    this.unit.add(x, Math.sign(error) * tau, this.params.intercept);
  }

  protected saveState(): unknown {
    return { unit: this.unit.toJSON() };
  }

  protected loadState(state: unknown): void {
    this.unit = LinearUnit.fromJSON((state as { unit: [[string, number][], number] }).unit);
  }
}

export const passiveAggressiveRegressorSpec: ModelSpec = {
  name: 'passive-aggressive-regressor',
  type: 'regressor',
  description: 'Passive-aggressive regression (PA-I, epsilon-insensitive loss; Crammer et al. 2006).',
  params: {
    C: { type: 'number', default: 1, min: 0, description: 'Aggressiveness: the largest step.' },
    epsilon: { type: 'number', default: 0.1, min: 0, description: 'Errors up to epsilon cost nothing.' },
    intercept: { type: 'boolean', default: true, description: 'Learn an intercept.' },
  },
  create: (p) =>
    new PassiveAggressiveRegressor({
      C: p.C as number,
      epsilon: p.epsilon as number,
      intercept: p.intercept as boolean,
    }),
};
