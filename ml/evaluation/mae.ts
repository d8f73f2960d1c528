import { SummedMetric } from './summed-metric.ts';

/**
 * Mean absolute error, `Σ|y - ŷ| / n`.
 *
 * @example
 * const m = new Mae();
 * m.update(3, 2.5); m.update(-0.5, 0);
 * m.get(); // 0.5
 */
export class Mae extends SummedMetric<number, number> {
  readonly name = 'mae';

  protected cost(yTrue: number, yPred: number): number {
    return Math.abs(yTrue - yPred);
  }

  get(): number {
    return this.mean();
  }
}
