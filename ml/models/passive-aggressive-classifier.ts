import type { Classifier } from '../core/estimator.ts';
import { EstimatorBase } from '../core/estimator-base.ts';
import type { ClassLabel, Features } from '../core/features.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { LinearUnit, paStepSize, squaredNorm } from './passive-aggressive-unit.ts';

/** Hyperparameters of {@link PassiveAggressiveClassifier}. */
export type PassiveAggressiveClassifierParams = {
  /** Aggressiveness: the largest step (PA-I's C). */
  readonly C: number;
  readonly intercept: boolean;
};

/**
 * Passive-aggressive classification, PA-I (Crammer et al. 2006, section 3): with the hinge loss
 * `ℓ = max(0, 1 - y (w·x + b))`, `y ∈ {-1, +1}`, each example moves `w` by `y τ x`,
 * `τ = min(C, ℓ / ||x||²)`.
 *
 * Classes are taken in the order they first appear. With two, one unit decides (the second class
 * is +1, as scikit-learn's `classes_[1]`); from the third on, one unit per class, one-vs-rest
 * (the binary unit becomes the second class's, its negation the first's). Probabilities are the
 * logistic of the margin (binary) or the softmax of the margins (one-vs-rest): PA has none of its
 * own, so they only rank. With one class seen, it is predicted with probability 1.
 *
 * @example
 * const m = new PassiveAggressiveClassifier({ C: 1, intercept: false });
 * m.learnOne({ a: 1 }, 'off');
 * m.learnOne({ a: 2 }, 'on'); // margin 2·(-1) = -2: ℓ = 3, τ = min(1, 3/4)
 * m.predictOne({ a: 2 }); // 'on'
 */
export class PassiveAggressiveClassifier
  extends EstimatorBase<PassiveAggressiveClassifierParams>
  implements Classifier
{
  readonly kind = 'passive-aggressive-classifier';
  protected readonly version = 1;
  private classes: ClassLabel[] = [];
  /** One unit while there are at most two classes, else one per class. */
  private units: LinearUnit[] = [new LinearUnit()];

  constructor(params: Partial<PassiveAggressiveClassifierParams> = {}) {
    super({ C: params.C ?? 1, intercept: params.intercept ?? true });
  }

  learnOne(x: Features, y: ClassLabel): void {
    if (!this.classes.includes(y)) this.addClass(y);
    const norm = squaredNorm(x, this.params.intercept);
    if (this.classes.length <= 2) {
      this.update(this.units[0]!, x, y === this.classes[1] ? 1 : -1, norm);
      return;
    }
    for (let i = 0; i < this.classes.length; i++) {
      this.update(this.units[i]!, x, this.classes[i] === y ? 1 : -1, norm);
    }
  }

  predictProbaOne(x: Features): ReadonlyMap<ClassLabel, number> {
    const [first, second] = this.classes;
    if (first === undefined) return new Map();
    if (second === undefined) return new Map([[first, 1]]);
    if (this.classes.length === 2) {
      const p = 1 / (1 + Math.exp(-this.units[0]!.margin(x)));
      return new Map([
        [first, 1 - p],
        [second, p],
      ]);
    }
    const margins = this.units.map((u) => u.margin(x));
    const top = Math.max(...margins);
    const exps = margins.map((m) => Math.exp(m - top));
    const total = exps.reduce((a, b) => a + b, 0);
    return new Map(this.classes.map((c, i) => [c, exps[i]! / total]));
  }

  predictOne(x: Features): ClassLabel | undefined {
    if (this.classes.length <= 2) {
      if (this.classes.length < 2) return this.classes[0];
      return this.units[0]!.margin(x) > 0 ? this.classes[1] : this.classes[0];
    }
    let best = 0;
    let bestMargin = Number.NEGATIVE_INFINITY;
    this.units.forEach((u, i) => {
      const m = u.margin(x);
      if (m > bestMargin) [best, bestMargin] = [i, m];
    });
    return this.classes[best];
  }

  private update(unit: LinearUnit, x: Features, sign: 1 | -1, norm: number): void {
    const loss = Math.max(0, 1 - sign * unit.margin(x));
    if (loss > 0) unit.add(x, sign * paStepSize(loss, norm, this.params.C), this.params.intercept);
  }

  private addClass(y: ClassLabel): void {
    this.classes.push(y);
    if (this.classes.length === 3) this.units = [this.units[0]!.negated(), this.units[0]!, new LinearUnit()];
    else if (this.classes.length > 3) this.units.push(new LinearUnit());
  }

  protected saveState(): unknown {
    return { classes: [...this.classes], units: this.units.map((u) => u.toJSON()) };
  }

  protected loadState(state: unknown): void {
    const s = state as { classes: ClassLabel[]; units: [[string, number][], number][] };
    this.classes = [...s.classes];
    this.units = s.units.map((u) => LinearUnit.fromJSON(u));
  }
}

export const passiveAggressiveClassifierSpec: ModelSpec = {
  name: 'passive-aggressive-classifier',
  type: 'classifier',
  description: 'Passive-aggressive classification (PA-I, hinge loss; one-vs-rest beyond two classes).',
  params: {
    C: { type: 'number', default: 1, min: 0, description: 'Aggressiveness: the largest step.' },
    intercept: { type: 'boolean', default: true, description: 'Learn an intercept.' },
  },
  create: (p) => new PassiveAggressiveClassifier({ C: p.C as number, intercept: p.intercept as boolean }),
};
