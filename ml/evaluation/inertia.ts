import type { ClusteringMetric } from './metric.ts';
import { SummedMetric } from './summed-metric.ts';

/**
 * k-means' inertia (scikit-learn's `inertia_`): the sum of the squared distances of the examples to
 * the centres they were assigned to, each measured before the model learned the example
 * (prequential). There is no truth: `update(undefined, squaredDistance)`. Over a rolling window,
 * the sum over the window; divide by the count for the mean.
 *
 * @example
 * const m = new Inertia();
 * m.update(undefined, 0.5); m.update(undefined, 2);
 * m.get(); // 2.5
 */
export class Inertia extends SummedMetric<undefined, number> implements ClusteringMetric {
  readonly name = 'inertia';

  protected cost(_: undefined, squaredDistance: number): number {
    return squaredDistance;
  }

  get(): number {
    return this.sum;
  }
}
