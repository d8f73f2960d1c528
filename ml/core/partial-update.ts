import type { OnlineEstimator } from './estimator.ts';
import type { ClassLabel, Features } from './features.ts';

/**
 * How one model learns globally, from a stream spread over parallel subtasks (Flink ML's online
 * global batches): each subtask keeps a replica of the current global model and accumulates a
 * partial update `P` from its records (sufficient statistics, or gradient sums computed against
 * the replica); once per round the partials of every subtask are merged and the merged partial
 * is applied to the global model in one update, which becomes the next model version.
 *
 * - `mergePartials` is associative and commutative: merging subtask partials in any grouping
 *   gives the same update (exactly for statistics; gradient sums up to float rounding), so a
 *   restore at another parallelism may merge old subtasks' pending partials before the round ends.
 * - `applyPartial` is the only thing that changes the global model. Models whose statistics merge
 *   exactly (scaler, naive Bayes) end up as if one model had learned the whole stream; gradient
 *   models take one mini-batch step per round with the round's mean gradient.
 * - A partial crosses threads and goes into checkpoints as `savePartial`'s plain data (JSON-safe:
 *   numbers, strings, arrays, plain objects), read back by `loadPartial`.
 *
 * @example
 * const learning = globalLearningFor(standardScalerSpec, { withMean: true, withStd: true });
 * const a = learning.emptyPartial();
 * learning.addExample(a, replica, { t: 1 }, undefined);
 * const b = learning.loadPartial(savedElsewhere); // another subtask's partial
 * learning.mergePartials(a, b);
 * learning.applyPartial(globalModel, a); // the next version
 */
export interface GlobalLearning<M extends OnlineEstimator = OnlineEstimator, P = unknown> {
  /** A partial update with nothing learned yet. */
  emptyPartial(): P;
  /**
   * Adds one example to `partial`, computed against `replica` (this subtask's copy of the latest
   * global model it received; never changed here). False when the example teaches nothing (no
   * target for a model that needs one, or a k-means sample beyond what initialisation needs).
   */
  addExample(partial: P, replica: M, x: Features, y: ClassLabel | undefined): boolean;
  /** Adds `from` into `into` (`from` is left as it was). */
  mergePartials(into: P, from: P): void;
  /** One update of the global model with one round's merged partial. */
  applyPartial(model: M, partial: P): void;
  savePartial(partial: P): unknown;
  loadPartial(saved: unknown): P;
}

/** A model's global learning by registry name, built from the model's full hyperparameters. */
export interface GlobalLearningSpec {
  /** The model's registry name, e.g. `online-kmeans`. */
  readonly model: string;
  /** What a round's update is, in a few words (for docs and errors). */
  readonly update: string;
  create(params: Readonly<Record<string, number | boolean | string>>): GlobalLearning;
}

/** Count, mean and sum of squared deviations (Welford's `[n, mean, m2]`). */
export type Moments = readonly [n: number, mean: number, m2: number];

/**
 * The moments of two samples together, from the moments of each (Chan, Golub and LeVeque 1979,
 * the pairwise update): exact, whatever the split.
 *
 *     n = na + nb,  δ = mean_b − mean_a,  mean = mean_a + δ·nb/n,  m2 = m2_a + m2_b + δ²·na·nb/n
 *
 * @example
 * mergeMoments([2, 1.5, 0.5], [2, 3.5, 0.5]); // [4, 2.5, 5]  (1, 2 | 3, 4)
 */
export function mergeMoments(a: Moments, b: Moments): [n: number, mean: number, m2: number] {
  const [na, meanA, m2A] = a;
  const [nb, meanB, m2B] = b;
  const n = na + nb;
  if (nb === 0) return [na, meanA, m2A];
  if (na === 0) return [nb, meanB, m2B];
  const delta = meanB - meanA;
  return [n, meanA + (delta * nb) / n, m2A + m2B + (delta * delta * na * nb) / n];
}
