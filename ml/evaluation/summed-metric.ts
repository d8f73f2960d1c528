import { type Metric, type MetricState, numbersOf } from './metric.ts';

/**
 * The plumbing of metrics that sum a cost per pair (absolute error, squared error, log loss,
 * squared distance): a count and a sum, updated and reverted, snapshotted as `[n, sum]`. The sum
 * never goes below 0 on a revert (the costs are not negative; floating-point error could).
 *
 * @example
 * class MeanCost extends SummedMetric<number, number> {
 *   readonly name = 'mean_cost';
 *   protected cost(y: number, p: number) { return Math.abs(y - p); }
 *   get() { return this.mean(); }
 * }
 */
export abstract class SummedMetric<Truth, Prediction> implements Metric<Truth, Prediction> {
  abstract readonly name: string;
  protected n = 0;
  protected sum = 0;

  /** The pair's cost, at least 0. */
  protected abstract cost(yTrue: Truth, yPred: Prediction): number;

  abstract get(): number;

  update(yTrue: Truth, yPred: Prediction): void {
    this.n += 1;
    this.sum += this.cost(yTrue, yPred);
  }

  revert(yTrue: Truth, yPred: Prediction): void {
    this.n -= 1;
    this.sum = this.n > 0 ? Math.max(0, this.sum - this.cost(yTrue, yPred)) : 0;
  }

  snapshot(): [n: number, sum: number] {
    return [this.n, this.sum];
  }

  restore(state: MetricState): void {
    [this.n = 0, this.sum = 0] = numbersOf(state, 2, this.name);
  }

  merge(state: MetricState): void {
    const [n = 0, sum = 0] = numbersOf(state, 2, this.name);
    this.n += n;
    this.sum += sum;
  }

  /** The mean cost, 0 before any pair. */
  protected mean(): number {
    return this.n > 0 ? this.sum / this.n : 0;
  }
}
