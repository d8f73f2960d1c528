import { DataStream } from '../../services/engine/api/data-stream.ts';
import type { Key } from '../../services/engine/api/functions.ts';
import type { KeyedStream } from '../../services/engine/api/keyed-stream.ts';
import {
  type Example,
  type KeyedModelMode,
  KeyedModelOperator,
  type KeyedPrediction,
} from './keyed-model-operator.ts';
import type { ModelChoice, Target } from './model-handle.ts';

/** What the per-key model steps take: the model, how a record becomes an example, and a name. */
export interface KeyedModelOptions<T, Y extends Target> {
  readonly model: ModelChoice;
  readonly example: (record: T) => Example<Y>;
  /** The step's name (default `learn`, `predict` or `learn-and-predict`); set a `uid` for savepoints. */
  readonly name?: string;
}

/**
 * Prequential per-key models on a keyed stream: for every record, its key's model predicts, the
 * prediction `{ key, ts, prediction, target }` is emitted, then the model learns the record.
 * Built on `DataStream.transform` with a keyed {@link KeyedModelOperator}, so it runs after the
 * stream's `keyBy` partition like any keyed step and is checkpointed with the job.
 *
 * @example
 * const predictions = learnAndPredict(readings.keyBy((r) => r.device), {
 *   model: { spec: linearRegressionSpec, params: { learningRate: 0.05 } },
 *   example: (r) => ({ x: { hour: hourOf(r.ts) }, y: r.value }),
 * }).uid('temperature-per-device');
 */
export function learnAndPredict<T, K extends Key, Y extends Target>(
  keyed: KeyedStream<T, K>,
  options: KeyedModelOptions<T, Y>,
): DataStream<KeyedPrediction<K, Y>> {
  return keyedModelStep(keyed, options, 'learn-and-predict');
}

/** Per-key models that learn every record and emit nothing (yet: model versions are to come). */
export function learn<T, K extends Key, Y extends Target>(
  keyed: KeyedStream<T, K>,
  options: KeyedModelOptions<T, Y>,
): DataStream<KeyedPrediction<K, Y>> {
  return keyedModelStep(keyed, options, 'learn');
}

/**
 * Per-key models that predict and never learn: useful after a restore, with the models a
 * checkpoint or savepoint of a `learn` / `learnAndPredict` step with the same uid holds.
 */
export function predict<T, K extends Key, Y extends Target>(
  keyed: KeyedStream<T, K>,
  options: KeyedModelOptions<T, Y>,
): DataStream<KeyedPrediction<K, Y>> {
  return keyedModelStep(keyed, options, 'predict');
}

function keyedModelStep<T, K extends Key, Y extends Target>(
  keyed: KeyedStream<T, K>,
  options: KeyedModelOptions<T, Y>,
  mode: KeyedModelMode,
): DataStream<KeyedPrediction<K, Y>> {
  const name = options.name ?? mode;
  const { keySelector } = keyed;
  const partitioned = new DataStream<T>(keyed.env, keyed.transformation);
  return partitioned.transform(
    name,
    () =>
      new KeyedModelOperator<T, K, Y>({
        name,
        keySelector,
        mode,
        model: options.model,
        example: options.example,
      }),
    true,
  );
}
