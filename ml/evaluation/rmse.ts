import type { RegressionMetric } from './metric.ts';

/**
 * Root mean squared error, `√(Σ(y - ŷ)² / n)`.
 *
 * @example
 * const m = new Rmse();
 * m.update(3, 2); m.update(0, 1); m.update(1, 3);
 * m.get(); // √2 = 1.414...
 */
export class Rmse implements RegressionMetric {
  readonly name = 'rmse';
  private n = 0;
  private sum = 0;

  update(yTrue: number, yPred: number): void {
    this.n += 1;
    this.sum += (yTrue - yPred) ** 2;
  }

  revert(yTrue: number, yPred: number): void {
    this.n -= 1;
    this.sum = this.n > 0 ? Math.max(0, this.sum - (yTrue - yPred) ** 2) : 0;
  }

  get(): number {
    return this.n > 0 ? Math.sqrt(this.sum / this.n) : 0;
  }
}
