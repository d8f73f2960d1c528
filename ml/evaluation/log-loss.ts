import type { ClassLabel } from '../core/features.ts';
import { SummedMetric } from './summed-metric.ts';

/** Probabilities are clipped to [EPS, 1 - EPS] (scikit-learn's `log_loss`), so one miss is finite. */
const EPS = 1e-15;

/**
 * Cross-entropy: the mean of `-ln p(true class)`, binary or multi-class; a class missing from the
 * prediction (e.g. before any learning) has probability 0, clipped to 1e-15 (cost ≈ 34.5).
 *
 * @example
 * const m = new LogLoss();
 * m.update(1, new Map([[0, 0.2], [1, 0.8]]));
 * m.update(0, new Map([[0, 0.4], [1, 0.6]]));
 * m.get(); // (-ln 0.8 - ln 0.4) / 2 = 0.5697...
 */
export class LogLoss extends SummedMetric<ClassLabel, ReadonlyMap<ClassLabel, number>> {
  readonly name = 'log_loss';

  protected cost(yTrue: ClassLabel, proba: ReadonlyMap<ClassLabel, number>): number {
    const p = Math.min(1 - EPS, Math.max(EPS, proba.get(yTrue) ?? 0));
    return -Math.log(p);
  }

  get(): number {
    return this.mean();
  }
}
