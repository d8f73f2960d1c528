import type { Features } from '../core/features.ts';

/**
 * One linear function `w·x + b` over named features, as the passive-aggressive models update it
 * (Crammer et al. 2006). With an intercept, `b` is the weight of a constant feature 1, so the
 * squared norm in the step size counts it.
 */
export class LinearUnit {
  constructor(
    public weights = new Map<string, number>(),
    public bias = 0,
  ) {}

  /** `w·x + b`; a feature never seen weighs 0. */
  margin(x: Features): number {
    let m = this.bias;
    for (const name in x) {
      const w = this.weights.get(name);
      if (w !== undefined) m += w * x[name]!;
    }
    return m;
  }

  /** `w += step·x`, and `b += step` with an intercept. */
  add(x: Features, step: number, intercept: boolean): void {
    for (const name in x) this.weights.set(name, (this.weights.get(name) ?? 0) + step * x[name]!);
    if (intercept) this.bias += step;
  }

  /** `-w, -b`: the same decision for the other class. */
  negated(): LinearUnit {
    return new LinearUnit(new Map([...this.weights].map(([name, w]) => [name, -w])), -this.bias);
  }

  toJSON(): [[string, number][], number] {
    return [[...this.weights], this.bias];
  }

  static fromJSON(state: readonly [readonly (readonly [string, number])[], number]): LinearUnit {
    return new LinearUnit(new Map(state[0].map(([name, w]) => [name, w])), state[1]);
  }
}

/** `||x||²` of the features, plus 1 for the intercept's constant feature. */
export function squaredNorm(x: Features, intercept: boolean): number {
  let sum = intercept ? 1 : 0;
  for (const name in x) sum += x[name]! * x[name]!;
  return sum;
}

/** PA-I's step size `τ = min(C, loss / ||x||²)` (0 when x is all zeros). */
export function paStepSize(loss: number, squaredNormX: number, c: number): number {
  return squaredNormX > 0 ? Math.min(c, loss / squaredNormX) : 0;
}
