import type { OnlineEstimator } from '../core/estimator.ts';
import type { Features } from '../core/features.ts';

/**
 * A model that trains in micro-batch rounds off the per-record path (the TensorFlow.js models):
 * learning calls return at once, and a round runs later.
 */
export interface TrainsInBackground {
  /** Resolves once no training round is scheduled or running (tests; before a final snapshot). */
  whenIdle(): Promise<void>;
  /** Schedules a round now for the samples not yet trained on. */
  flush(): void;
  /** Stops training and frees the model's tensors; the model is unusable afterwards. */
  dispose(): Promise<void>;
}

/**
 * Whether `model` changes on its own, between records (a round finishing, TensorFlow.js loading):
 * its state must be copied at a checkpoint's barrier, not later (see `CopyOnWriteCapture`).
 *
 * @example
 * changesInBackground(new AutoencoderDetector({})); // true
 */
export function changesInBackground(model: object): boolean {
  return typeof (model as Partial<TrainsInBackground>).whenIdle === 'function';
}

/**
 * Scores how anomalous an example is (River's `AnomalyDetector`): higher is more anomalous;
 * `learnOne` learns what normal looks like. 0 before any learning.
 */
export interface AnomalyScorer extends OnlineEstimator {
  learnOne(x: Features): void;
  scoreOne(x: Features): number;
}
