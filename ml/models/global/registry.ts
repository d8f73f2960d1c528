import type { ModelSpec } from '../../core/model-spec.ts';
import type { GlobalLearning, GlobalLearningSpec } from '../../core/partial-update.ts';
import { gaussianNaiveBayesGlobal } from './gaussian-naive-bayes.ts';
import { linearRegressionGlobal } from './linear-regression.ts';
import { logisticRegressionGlobal } from './logistic-regression.ts';
import { onlineKMeansGlobal } from './online-kmeans.ts';
import { pipelineGlobal } from './pipeline.ts';
import { standardScalerGlobal } from './standard-scaler.ts';

/**
 * The models that can learn globally (one model for the whole stream, merged from every subtask
 * once per round): those Flink ML has online global versions of, and those whose statistics merge
 * exactly. Every other model learns per key only.
 */
export const GLOBAL_LEARNING_SPECS: readonly GlobalLearningSpec[] = [
  standardScalerGlobal,
  gaussianNaiveBayesGlobal,
  onlineKMeansGlobal,
  logisticRegressionGlobal,
  linearRegressionGlobal,
];

/** The registry names of the models that support global learning. */
export const GLOBAL_MODEL_NAMES: readonly string[] = GLOBAL_LEARNING_SPECS.map((s) => s.model);

/**
 * The global learning of `spec`'s model with `params` (complete: the spec's defaults filled in);
 * an error naming the models that support it when this one does not.
 *
 * @example
 * const learning = globalLearningFor(onlineKMeansSpec, fullModelParams({ spec: onlineKMeansSpec }));
 * globalLearningFor(holtWintersSpec, {}); // throws: holt-winters cannot learn globally; ...
 */
export function globalLearningFor(
  spec: ModelSpec,
  params: Readonly<Record<string, number | boolean | string>>,
): GlobalLearning {
  const steps = spec.name.split('|');
  if (steps.length === 2) return pipelineLearning(spec, steps as [string, string], params);
  const found = GLOBAL_LEARNING_SPECS.find((s) => s.model === spec.name);
  if (found === undefined) {
    throw new Error(
      `${spec.name} cannot learn globally: global models are ${GLOBAL_MODEL_NAMES.join(', ')}; ` +
        'learn it per key (learnAndPredict) instead',
    );
  }
  return found.create(params);
}

/**
 * A pipeline `transformer|model` (its params prefixed `<step>.`) learns globally when both steps do.
 */
function pipelineLearning(
  spec: ModelSpec,
  [transformer, model]: [string, string],
  params: Readonly<Record<string, number | boolean | string>>,
): GlobalLearning {
  const stepParams = (step: string) =>
    Object.fromEntries(
      Object.entries(params)
        .filter(([key]) => key.startsWith(`${step}.`))
        .map(([key, value]) => [key.slice(step.length + 1), value]),
    );
  const learningOf = (step: string) => {
    const found = GLOBAL_LEARNING_SPECS.find((s) => s.model === step);
    if (found === undefined) {
      throw new Error(
        `${spec.name} cannot learn globally: ${step} cannot (global models are ${GLOBAL_MODEL_NAMES.join(', ')}); ` +
          'learn it per key (learnAndPredict) instead',
      );
    }
    return found.create(stepParams(step));
  };
  return pipelineGlobal(learningOf(transformer), learningOf(model)) as unknown as GlobalLearning;
}
