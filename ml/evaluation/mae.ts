import type { RegressionMetric } from './metric.ts';

/**
 * Mean absolute error, `Σ|y - ŷ| / n`.
 *
 * @example
 * const m = new Mae();
 * m.update(3, 2.5); m.update(-0.5, 0);
 * m.get(); // 0.5
 */
export class Mae implements RegressionMetric {
  readonly name = 'mae';
  private n = 0;
  private sum = 0;

  update(yTrue: number, yPred: number): void {
    this.n += 1;
    this.sum += Math.abs(yTrue - yPred);
  }

  revert(yTrue: number, yPred: number): void {
    this.n -= 1;
    this.sum = this.n > 0 ? this.sum - Math.abs(yTrue - yPred) : 0;
  }

  get(): number {
    return this.n > 0 ? this.sum / this.n : 0;
  }
}
