import { EstimatorBase, type Params } from '../core/estimator-base.ts';
import type { Features } from '../core/features.ts';
import type { AnomalyDetector, AnomalyExplanation } from './detector.ts';

/** The parameter every univariate detector has: the feature it reads. */
export type FeatureParam = { readonly feature: string };

/** The `feature` parameter's spec, shared by the univariate detectors. */
export const FEATURE_PARAM = {
  type: 'string',
  default: 'value',
  description: 'The feature (metric) of each record the detector reads.',
} as const;

/**
 * The base of the detectors over one number: it reads `params.feature` from each record (a
 * record without it, or with a non-finite value, scores 0 and is not learned) and hands the value
 * to `scoreValue` / `explainValue` / `learnValue`. Snapshots, restore and clone come from
 * {@link EstimatorBase}.
 *
 * @example
 * class Threshold extends UnivariateDetector<{ feature: string }> {
 *   readonly kind = 'threshold'; protected readonly version = 1;
 *   protected scoreValue(v: number) { return v > 10 ? 1 : 0; }
 *   // explainValue, learnValue, saveState, loadState ...
 * }
 */
export abstract class UnivariateDetector<P extends Params & FeatureParam>
  extends EstimatorBase<P>
  implements AnomalyDetector
{
  protected abstract scoreValue(value: number, ts: number): number;
  protected abstract explainValue(value: number, ts: number): AnomalyExplanation;
  protected abstract learnValue(value: number, ts: number): void;

  scoreOne(x: Features, ts: number): number {
    const value = this.read(x);
    return value === undefined ? 0 : this.scoreValue(value, ts);
  }

  explainOne(x: Features, ts: number): AnomalyExplanation {
    const value = this.read(x);
    if (value === undefined) return { score: 0, reason: `no value for ${this.params.feature}` };
    return this.explainValue(value, ts);
  }

  learnOne(x: Features, ts: number): void {
    const value = this.read(x);
    if (value !== undefined) this.learnValue(value, ts);
  }

  private read(x: Features): number | undefined {
    const feature = this.params.feature;
    if (!Object.hasOwn(x, feature)) return undefined;
    const value = x[feature];
    return value !== undefined && Number.isFinite(value) ? value : undefined;
  }
}
