import type { Key } from '../../services/engine/api/functions.ts';
import type { Features } from '../core/features.ts';
import { type KeyedEstimatorConfig, KeyedEstimatorOperator } from './keyed-estimator-operator.ts';
import { createModelHandle, type ModelHandle, type Prediction, type Target } from './model-handle.ts';

export type { KeyedModelShape } from './keyed-estimator-operator.ts';

/** What a record means to a model: its features and, when known, its target. */
export interface Example<Y extends Target = Target> {
  readonly x: Features;
  readonly y?: Y | undefined;
}

/**
 * `learn`: learns from every record, emits nothing. `predict`: emits a prediction per record,
 * never learns (models as restored). `learn-and-predict`: per record, predicts, emits, then
 * learns (test-then-train, prequential): a prediction never saw its own record.
 */
export type KeyedModelMode = 'learn' | 'predict' | 'learn-and-predict';

/** One prediction of a key's model, made before the model learned the record (`target` is the record's). */
export interface KeyedPrediction<K extends Key, Y extends Target = Target> {
  readonly key: K;
  /** The record's timestamp (also the output record's). */
  readonly ts: number;
  readonly prediction: Prediction;
  /** Classifiers: the probability of each class (by its label as text); absent for other models. */
  readonly proba?: Readonly<Record<string, number>>;
  /** Clusterers that measure it: the squared distance to the assigned centre (its share of the inertia). */
  readonly distance?: number;
  /** Global models (key `'*'`): the key of the record predicted, e.g. its device, when asked for. */
  readonly subject?: string;
  readonly target: Y | undefined;
  /** The model version the prediction was made with (0 before the model's first version). */
  readonly version: number;
}

/** A per-key model operator's configuration, and how a record feeds its model. */
export interface KeyedModelOperatorConfig<IN, K extends Key, Y extends Target>
  extends KeyedEstimatorConfig<IN, K> {
  /** Maps a record to the model's example (`y` absent: predicted, not learned). */
  readonly example: (record: IN) => Example<Y>;
  readonly mode: KeyedModelMode;
}

/**
 * One online model per key (per device), as issue #5's per-key `learn` / `predict` /
 * `learnAndPredict`: a key's model is built from the spec when its first record arrives and
 * learns that key's records only. Each prediction carries the key's current model version and,
 * for classifiers, the class probabilities (for clusterers that measure it, the squared distance
 * to the centre). Model versions go to the side output `MODEL_VERSIONS`; checkpoints hold every
 * key's model (see `KeyedEstimatorOperator`). Watermarks pass through.
 *
 * @example
 * const op = new KeyedModelOperator({
 *   name: 'fit', keySelector: (r: Reading) => r.device, mode: 'learn-and-predict',
 *   model: { spec: linearRegressionSpec }, example: (r) => ({ x: { t: r.ts / 1000 }, y: r.value }),
 * }); // emits { key: 'boiler-1', ts, prediction, target, version } per reading
 */
export class KeyedModelOperator<IN, K extends Key, Y extends Target = Target> extends KeyedEstimatorOperator<
  IN,
  KeyedPrediction<K, Y>,
  K,
  ModelHandle
> {
  private readonly example: (record: IN) => Example<Y>;
  private readonly mode: KeyedModelMode;

  constructor(config: KeyedModelOperatorConfig<IN, K, Y>) {
    super(config, 'keyed-model', createModelHandle);
    this.example = config.example;
    this.mode = config.mode;
  }

  processElement(value: IN, timestamp: number): void {
    this.recordsIn++;
    const key = this.keySelector(value);
    const entry = this.entryOf(key, timestamp);
    const { model } = entry;
    const { x, y } = this.example(value);
    if (this.mode !== 'learn') {
      const prediction = model.predict(x);
      const version = entry.version;
      // Each shape written out: `{ ...emitted, proba }` would take V8's slow path (µs per record).
      let emitted: KeyedPrediction<K, Y>;
      if (model.proba)
        emitted = { key, ts: timestamp, prediction, target: y, version, proba: model.proba(x) };
      else if (model.distance) {
        emitted = { key, ts: timestamp, prediction, target: y, version, distance: model.distance(x) };
      } else emitted = { key, ts: timestamp, prediction, target: y, version };
      this.emit(emitted, timestamp);
    }
    if (this.mode === 'predict') return;
    if (y === undefined && model.needsTarget) return;
    model.learn(x, y);
    this.learnedAt(key, entry, timestamp);
  }
}
