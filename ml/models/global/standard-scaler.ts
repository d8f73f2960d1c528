import type { EstimatorSnapshot } from '../../core/estimator.ts';
import type { GlobalLearning, GlobalLearningSpec } from '../../core/partial-update.ts';
import { StandardScaler } from '../standard-scaler.ts';

/**
 * Global standard scaler (Flink ML's OnlineStandardScaler over the whole stream): a partial is a
 * fresh scaler that learned a subtask's round of records (per feature count, mean and m2); partials
 * and the global scaler merge by Chan et al.'s formula, so the global scaler's mean and variance
 * are exactly those of every record learned, whatever the parallelism. The replica is not used.
 *
 * @example
 * const learning = standardScalerGlobal.create({ withMean: true, withStd: true });
 * const p = learning.emptyPartial();
 * learning.addExample(p, replica, { t: 1 }, undefined);
 * learning.applyPartial(global, p); // global now also counts t = 1
 */
export const standardScalerGlobal: GlobalLearningSpec = {
  model: 'standard-scaler',
  update: 'merges the per-feature moments (exact)',
  create(params): GlobalLearning<StandardScaler, StandardScaler> {
    const fresh = () =>
      new StandardScaler({ withMean: params.withMean as boolean, withStd: params.withStd as boolean });
    return {
      emptyPartial: fresh,
      addExample(partial, _replica, x) {
        partial.learnOne(x);
        return true;
      },
      mergePartials: (into, from) => into.merge(from),
      applyPartial: (model, partial) => model.merge(partial),
      savePartial: (partial) => partial.snapshot(),
      loadPartial(saved) {
        const partial = fresh();
        partial.restore(saved as EstimatorSnapshot);
        return partial;
      },
    };
  },
};
