import { SummedMetric } from './summed-metric.ts';

/**
 * Root mean squared error, `√(Σ(y - ŷ)² / n)`.
 *
 * @example
 * const m = new Rmse();
 * m.update(3, 2); m.update(0, 1); m.update(1, 3);
 * m.get(); // √2 = 1.414...
 */
export class Rmse extends SummedMetric<number, number> {
  readonly name = 'rmse';

  protected cost(yTrue: number, yPred: number): number {
    return (yTrue - yPred) ** 2;
  }

  get(): number {
    return Math.sqrt(this.mean());
  }
}
