import { DataStream } from '../../services/engine/api/data-stream.ts';
import type { Key } from '../../services/engine/api/functions.ts';
import type { KeyedStream } from '../../services/engine/api/keyed-stream.ts';
import { GlobalLearnerOperator } from './global-learner-operator.ts';
import { GlobalMergerOperator } from './global-merger-operator.ts';
import { globalModelConfig } from './global-model-config.ts';
import { checkPredicts } from './global-replica.ts';
import { GLOBAL_PARTIALS, type GlobalPartial } from './global-rounds.ts';
import type { Example, KeyedPrediction } from './keyed-model-operator.ts';
import { ModelBroadcast } from './model-broadcast.ts';
import type { ModelChoice, Target } from './model-handle.ts';
import { GLOBAL_MODEL_KEY, type ModelVersion } from './model-outputs.ts';

/** What a global model step takes. */
export interface GlobalModelOptions<T, Y extends Target> {
  /** The job's name for the model: `ModelVersion.model`, the registry and API name. */
  readonly modelName: string;
  /** A model that supports global learning (see `ml/models/global/registry.ts`). */
  readonly model: ModelChoice;
  readonly example: (record: T) => Example<Y>;
  /** Round length in event time: every subtask's partial update is merged once per round. */
  readonly mergeEveryMs: number;
  /** Prefix of the steps' names (default `global-<modelName>`): `<name>-learn`, `<name>-merge`. */
  readonly name?: string;
  /** Base of the steps' uids (for savepoints): `<uid>/learner` and `<uid>/merger`. */
  readonly uid?: string;
  /** What a prediction says it was made for (its `subject`), e.g. the record's device. */
  readonly subject?: (record: T) => string;
}

/** A global model's streams: per-record predictions (key `'*'`) and one version per merge. */
export interface GlobalModelStreams<Y extends Target> {
  readonly predictions: DataStream<KeyedPrediction<typeof GLOBAL_MODEL_KEY, Y>>;
  /** Flink ML's model-data stream: the global model after each round's update. */
  readonly versions: DataStream<ModelVersion>;
}

/**
 * One model for the whole stream, learned by every subtask (issue #5's global mode, Flink ML's
 * online global batches): after the stream's `keyBy` (any key, it only spreads the records), each
 * subtask predicts each record with its replica of the global model, emits the prediction, and
 * adds the record to its partial update; every `mergeEveryMs` of event time the partials of all
 * subtasks are merged in one place (`keyBy(() => '*')`) and applied to the global model, which is
 * emitted as a new {@link ModelVersion} and sent back to the replicas (see `ModelBroadcast`).
 * Rounds are event time: the stream needs watermarks (a round is merged once the watermark
 * passed its end, and the end of input merges the rest). At parallelism 1 everything is
 * synchronous and deterministic; above, replicas take new versions a few event-loop turns late.
 * Both steps are checkpointed with the job. Models: standard-scaler (use {@link learnGlobal}),
 * gaussian-naive-bayes, online-kmeans, logistic-regression, linear-regression.
 *
 * @example
 * const { predictions, versions } = learnAndPredictGlobal(readings.keyBy((r) => r.device), {
 *   modelName: 'fleet-clusters', model: { spec: onlineKMeansSpec, params: { k: 3 } },
 *   example: (r) => ({ x: { temperature: r.temperature, vibration: r.vibration } }),
 *   mergeEveryMs: 60_000, uid: 'fleet-clusters',
 * });
 * versions.sinkTo(modelRegistrySink);
 */
export function learnAndPredictGlobal<T, K extends Key, Y extends Target>(
  keyed: KeyedStream<T, K>,
  options: GlobalModelOptions<T, Y>,
): GlobalModelStreams<Y> {
  return globalModelSteps(keyed, options, true);
}

/**
 * A global model that learns every record and emits only its versions (no predictions): the way
 * to learn a global standard scaler, whose versions carry the mean and variance of the stream.
 *
 * @example
 * const { versions } = learnGlobal(readings.keyBy((r) => r.device), {
 *   modelName: 'fleet-scaler', model: { spec: standardScalerSpec },
 *   example: (r) => ({ x: { temperature: r.temperature } }), mergeEveryMs: 10_000,
 * });
 */
export function learnGlobal<T, K extends Key, Y extends Target>(
  keyed: KeyedStream<T, K>,
  options: GlobalModelOptions<T, Y>,
): { readonly versions: DataStream<ModelVersion> } {
  return { versions: globalModelSteps(keyed, options, false).versions };
}

function globalModelSteps<T, K extends Key, Y extends Target>(
  keyed: KeyedStream<T, K>,
  options: GlobalModelOptions<T, Y>,
  predict: boolean,
): GlobalModelStreams<Y> {
  const model = globalModelConfig(options.modelName, options.model, options.mergeEveryMs);
  const name = options.name ?? `global-${options.modelName}`;
  const broadcast = new ModelBroadcast(`eddy/global-model/${options.uid ?? name}`);
  const learnerName = `${name}-learn`;
  const mergerName = `${name}-merge`;
  if (predict) checkPredicts(model.spec);

  const spread = new DataStream<T>(keyed.env, keyed.transformation);
  const predictions = spread.transform(
    learnerName,
    () =>
      new GlobalLearnerOperator<T, Y>({
        name: learnerName,
        model,
        example: options.example,
        ...(options.subject ? { subject: options.subject } : {}),
        predict,
        broadcast,
      }),
    true,
  );
  const partials = predictions
    .getSideOutput(GLOBAL_PARTIALS)
    .keyBy(() => GLOBAL_MODEL_KEY, `${name}-partials`);
  const versions = new DataStream<GlobalPartial>(keyed.env, partials.transformation).transform(
    mergerName,
    () => new GlobalMergerOperator({ name: mergerName, model, broadcast }),
    true,
  );
  if (options.uid !== undefined) {
    predictions.uid(`${options.uid}/learner`);
    versions.uid(`${options.uid}/merger`);
  }
  return { predictions, versions };
}
