import { RunningMoments } from '../core/stats/running-moments.ts';
import { type MetricState, numbersOf, type RegressionMetric } from './metric.ts';

/**
 * Coefficient of determination, `1 - Σ(y - ŷ)² / Σ(y - ȳ)²` (scikit-learn's `r2_score` over the
 * pairs seen); 0 while the truths have no spread (fewer than two distinct values).
 *
 * @example
 * const m = new R2();
 * [[3, 2.5], [-0.5, 0], [2, 2], [7, 8]].forEach(([y, p]) => m.update(y, p));
 * m.get(); // 0.9486081370449679
 */
export class R2 implements RegressionMetric {
  readonly name = 'r2';
  private truths = new RunningMoments();
  private squaredErrors = 0;

  update(yTrue: number, yPred: number): void {
    this.truths.update(yTrue);
    this.squaredErrors += (yTrue - yPred) ** 2;
  }

  revert(yTrue: number, yPred: number): void {
    this.truths.revert(yTrue);
    this.squaredErrors = this.truths.n > 0 ? Math.max(0, this.squaredErrors - (yTrue - yPred) ** 2) : 0;
  }

  get(): number {
    const total = this.truths.m2;
    return total > 1e-12 * Math.max(1, this.truths.n) ? 1 - this.squaredErrors / total : 0;
  }

  /** `[n, mean, m2]` of the truths, then the sum of squared errors. */
  snapshot(): [n: number, mean: number, m2: number, squaredErrors: number] {
    return [...this.truths.toJSON(), this.squaredErrors];
  }

  restore(state: MetricState): void {
    const [n = 0, mean = 0, m2 = 0, squaredErrors = 0] = numbersOf(state, 4, this.name);
    this.truths = RunningMoments.fromJSON([n, mean, m2]);
    this.squaredErrors = squaredErrors;
  }

  merge(state: MetricState): void {
    const [n = 0, mean = 0, m2 = 0, squaredErrors = 0] = numbersOf(state, 4, this.name);
    this.truths.merge(RunningMoments.fromJSON([n, mean, m2]));
    this.squaredErrors += squaredErrors;
  }
}
