import type { ClassLabel } from '../core/features.ts';
import { type LabelMetric, type MetricState, numbersOf } from './metric.ts';

/**
 * Share of correct predictions (no prediction counts as wrong).
 *
 * @example
 * const m = new Accuracy();
 * m.update(1, 1); m.update(0, 1); m.update(0, undefined); m.update(1, 1);
 * m.get(); // 0.5
 */
export class Accuracy implements LabelMetric {
  readonly name = 'accuracy';
  private n = 0;
  private correct = 0;

  update(yTrue: ClassLabel, yPred: ClassLabel | undefined): void {
    this.n += 1;
    if (yTrue === yPred) this.correct += 1;
  }

  revert(yTrue: ClassLabel, yPred: ClassLabel | undefined): void {
    this.n -= 1;
    if (yTrue === yPred) this.correct -= 1;
  }

  get(): number {
    return this.n > 0 ? this.correct / this.n : 0;
  }

  snapshot(): [n: number, correct: number] {
    return [this.n, this.correct];
  }

  restore(state: MetricState): void {
    [this.n = 0, this.correct = 0] = numbersOf(state, 2, this.name);
  }

  merge(state: MetricState): void {
    const [n = 0, correct = 0] = numbersOf(state, 2, this.name);
    this.n += n;
    this.correct += correct;
  }
}
