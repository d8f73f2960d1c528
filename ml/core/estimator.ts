import type { ClassLabel, Features } from './features.ts';

/**
 * What an estimator's state looks like outside it: JSON-safe (numbers, strings, booleans, arrays,
 * plain objects; no `NaN`/`Infinity`, no Maps or typed arrays), versioned, and naming the estimator
 * and its hyperparameters, so `restore` can refuse a snapshot of another model or version with a
 * clear message, and a snapshot alone says what it is.
 */
export interface EstimatorSnapshot {
  /** The estimator's kind, e.g. `linear-regression`. */
  readonly kind: string;
  /** Version of this kind's state layout; bumped when it changes. */
  readonly version: number;
  /** The hyperparameters it was built with (JSON). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Everything learned (JSON). */
  readonly state: unknown;
}

/**
 * Every online estimator (River's `Estimator`): learns one example at a time, holds no reference to
 * past examples beyond what it says, and can be snapshotted, restored and cloned.
 *
 * - `clone()`: a fresh, unfitted estimator with the same hyperparameters (and the same seed: two
 *   clones fed the same stream behave identically).
 * - `snapshot()` then `restore()` into a clone gives identical predictions from then on.
 * - Randomness comes only from a seed among the hyperparameters (`services/common/random.ts`).
 */
export interface OnlineEstimator {
  readonly kind: string;
  /** Hyperparameters, JSON (what `clone()` and the registry build from). */
  readonly params: Readonly<Record<string, unknown>>;
  snapshot(): EstimatorSnapshot;
  /** Replaces the learned state; throws a clear error for another kind, version or hyperparameters. */
  restore(snapshot: EstimatorSnapshot): void;
  clone(): this;
}

/** Predicts a number (River's `Regressor`). */
export interface Regressor extends OnlineEstimator {
  learnOne(x: Features, y: number): void;
  /** Before any learning: a defined default (usually 0 or the running mean), never NaN. */
  predictOne(x: Features): number;
}

/** Predicts a class (River's `Classifier`). */
export interface Classifier extends OnlineEstimator {
  learnOne(x: Features, y: ClassLabel): void;
  /** Probability per known class (summing to 1); empty before any learning. */
  predictProbaOne(x: Features): ReadonlyMap<ClassLabel, number>;
  /** The most probable class; `undefined` before any learning. */
  predictOne(x: Features): ClassLabel | undefined;
}

/** Assigns examples to clusters (River's `Clusterer`). */
export interface Clusterer extends OnlineEstimator {
  learnOne(x: Features): void;
  /** Index of the nearest cluster (0 before any learning). */
  predictOne(x: Features): number;
}

/** Transforms features (River's `Transformer`), e.g. scalers; `learnOne` updates its statistics. */
export interface Transformer extends OnlineEstimator {
  learnOne(x: Features): void;
  transformOne(x: Features): Features;
}

/** One forecast point: the expected value and a prediction interval. */
export interface Forecast {
  readonly ts: number;
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * Forecasts one sensor series (River's `Forecaster`, with timestamps: sensor series have them,
 * and seasonality is by time of day). `learnOne` takes the observations in time order.
 */
export interface Forecaster extends OnlineEstimator {
  learnOne(y: number, ts: number): void;
  /**
   * Forecasts at each of `timestamps` (after the last learned one), with a prediction interval at
   * `coverage` (default 0.95) from the model's own residuals; empty before enough learning.
   */
  forecast(timestamps: readonly number[], coverage?: number): Forecast[];
}
