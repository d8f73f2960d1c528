import type { OnlineEstimator } from '../../core/estimator.ts';
import type { GlobalLearning } from '../../core/partial-update.ts';
import type { Pipeline } from '../../core/pipeline.ts';

/** A pipeline's partial update: the transformer's and the model's. */
interface PipelinePartial {
  readonly transformer: unknown;
  readonly model: unknown;
}

/**
 * Global learning of `transformer | model` (a running scaler in front of a model, as a job file's
 * `scale: true` builds): a partial is the transformer's partial and the model's, the model's
 * computed on the features as the replica's transformer transforms them; a round's update applies
 * the transformer's merged partial, then the model's. Like the replica it was computed against,
 * the model's partial sees the scaling of the version before the round.
 *
 * @example
 * const learning = pipelineGlobal(scalerLearning, linearRegressionLearning);
 * learning.addExample(partial, replica, { temperature: 21 }, 3.2);
 */
export function pipelineGlobal(
  transformer: GlobalLearning,
  model: GlobalLearning,
): GlobalLearning<Pipeline, PipelinePartial> {
  const finalOf = (pipeline: Pipeline): OnlineEstimator => pipeline.final;
  return {
    emptyPartial: () => ({ transformer: transformer.emptyPartial(), model: model.emptyPartial() }),
    addExample(partial, replica, x, y) {
      const scaled = replica.transformer.transformOne(x);
      const learnedT = transformer.addExample(partial.transformer, replica.transformer, x, undefined);
      const learnedM = model.addExample(partial.model, finalOf(replica), scaled, y);
      return learnedT || learnedM;
    },
    mergePartials(into, from) {
      transformer.mergePartials(into.transformer, from.transformer);
      model.mergePartials(into.model, from.model);
    },
    applyPartial(pipeline, partial) {
      transformer.applyPartial(pipeline.transformer, partial.transformer);
      model.applyPartial(finalOf(pipeline), partial.model);
    },
    savePartial: (partial) => ({
      transformer: transformer.savePartial(partial.transformer),
      model: model.savePartial(partial.model),
    }),
    loadPartial(saved) {
      const parts = saved as { transformer?: unknown; model?: unknown } | null;
      if (typeof parts !== 'object' || parts === null || !('transformer' in parts) || !('model' in parts)) {
        throw new Error('a saved pipeline partial must be { transformer, model }');
      }
      return {
        transformer: transformer.loadPartial(parts.transformer),
        model: model.loadPartial(parts.model),
      };
    },
  };
}
