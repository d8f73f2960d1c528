import type { EstimatorSnapshot } from '../../core/estimator.ts';
import type { GlobalLearning, GlobalLearningSpec } from '../../core/partial-update.ts';
import { GaussianNaiveBayes } from '../gaussian-naive-bayes.ts';

/**
 * Global Gaussian naive Bayes: a partial is a fresh model that learned a subtask's round of
 * labelled records (class counts, per class and feature the moments); partials and the global
 * model merge by Chan et al.'s formula, so the global model is exactly naive Bayes on the union
 * of every record learned (classes ordered by the round and subtask that first brought them).
 * The replica is not used; records without a label teach nothing.
 *
 * @example
 * const learning = gaussianNaiveBayesGlobal.create({ varSmoothing: 1e-9 });
 * const p = learning.emptyPartial();
 * learning.addExample(p, replica, { x: 1 }, 'a');
 * learning.applyPartial(global, p);
 */
export const gaussianNaiveBayesGlobal: GlobalLearningSpec = {
  model: 'gaussian-naive-bayes',
  update: 'merges class counts and per-class moments (exact)',
  create(params): GlobalLearning<GaussianNaiveBayes, GaussianNaiveBayes> {
    const fresh = () => new GaussianNaiveBayes({ varSmoothing: params.varSmoothing as number });
    return {
      emptyPartial: fresh,
      addExample(partial, _replica, x, y) {
        if (y === undefined) return false;
        partial.learnOne(x, y);
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
