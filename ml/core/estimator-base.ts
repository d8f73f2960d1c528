import type { EstimatorSnapshot, OnlineEstimator } from './estimator.ts';
import { checkSnapshot } from './snapshot-check.ts';

/** Hyperparameters as models keep them: JSON scalars by name. */
export type Params = Readonly<Record<string, number | boolean | string>>;

/**
 * The snapshot, restore and clone plumbing every estimator shares: a subclass names its `kind` and
 * state `version`, takes its complete hyperparameters as the only constructor argument (so
 * `clone()` can rebuild it), and says how its learned state goes to and from JSON.
 *
 * @example
 * class Mean extends EstimatorBase<{}> {
 *   readonly kind = 'mean'; protected readonly version = 1;
 *   private sum = 0;
 *   protected saveState() { return { sum: this.sum }; }
 *   protected loadState(s: unknown) { this.sum = (s as { sum: number }).sum; }
 * }
 */
export abstract class EstimatorBase<P extends Params> implements OnlineEstimator {
  abstract readonly kind: string;
  protected abstract readonly version: number;
  readonly params: Readonly<P>;

  constructor(params: P) {
    this.params = Object.freeze({ ...params });
  }

  /** The learned state as fresh JSON (no references into the live state). */
  protected abstract saveState(): unknown;
  /** Replaces the learned state from `saveState()`'s JSON (copying it, not keeping it). */
  protected abstract loadState(state: unknown): void;

  snapshot(): EstimatorSnapshot {
    return { kind: this.kind, version: this.version, params: { ...this.params }, state: this.saveState() };
  }

  restore(snapshot: EstimatorSnapshot): void {
    checkSnapshot(this, snapshot, this.version);
    this.loadState(snapshot.state);
  }

  clone(): this {
    const Constructor = this.constructor as new (params: P) => this;
    return new Constructor({ ...this.params });
  }
}
