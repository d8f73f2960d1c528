import type { Key, KeySelector } from '../../services/engine/api/functions.ts';
import type {
  OperatorSnapshot,
  RestoredOperator,
} from '../../services/engine/checkpoint/checkpoint-types.ts';
import type { Checkpointed } from '../../services/engine/checkpoint/checkpointed.ts';
import { checkShapeCompatible } from '../../services/engine/checkpoint/state-shape.ts';
import { keyGroupOf } from '../../services/engine/key-groups.ts';
import { BaseOperator } from '../../services/engine/runtime/operators/base-operator.ts';
import type { OperatorMetrics } from '../../services/engine/runtime/stream-operator.ts';
import type { Features } from '../core/features.ts';
import { type KeyedModelEntry, restoreKeyedModels, snapshotKeyedModels } from './keyed-model-snapshots.ts';
import {
  createModelHandle,
  fullModelParams,
  type ModelChoice,
  type ModelHandle,
  type ModelParamValue,
  type Prediction,
  type Target,
} from './model-handle.ts';

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
  readonly target: Y | undefined;
  /** The model version the prediction was made with (0 before the model's first version). */
  readonly version: number;
}

export interface KeyedModelOperatorConfig<IN, K extends Key, Y extends Target> {
  readonly name: string;
  readonly keySelector: KeySelector<IN, K>;
  readonly model: ModelChoice;
  /** Maps a record to the model's example (`y` absent: predicted, not learned). */
  readonly example: (record: IN) => Example<Y>;
  readonly mode: KeyedModelMode;
}

/** The state shape of a keyed model operator: the model's kind and full hyperparameters. */
export interface KeyedModelShape {
  readonly layout: 1;
  readonly model: string;
  readonly type: string;
  readonly params: Readonly<Record<string, ModelParamValue>>;
}

/**
 * One online model per key (per device), as issue #5's per-key `learn` / `predict` /
 * `learnAndPredict`: a key's model is built from the spec when its first record arrives, learns
 * that key's records only, and is checkpointed with the job: `snapshotState` holds every key's
 * `model.snapshot()` by key group, `restoreState` rebuilds the models of the key groups this
 * subtask owns (at any parallelism) and refuses a checkpoint taken with another model or other
 * hyperparameters (`IncompatibleStateError` naming the operator). Watermarks pass through.
 *
 * @example
 * const op = new KeyedModelOperator({
 *   name: 'fit', keySelector: (r: Reading) => r.device, mode: 'learn-and-predict',
 *   model: { spec: linearRegressionSpec }, example: (r) => ({ x: { t: r.ts / 1000 }, y: r.value }),
 * }); // emits { key: 'boiler-1', ts, prediction, target } per reading
 */
export class KeyedModelOperator<IN, K extends Key, Y extends Target = Target>
  extends BaseOperator<IN, KeyedPrediction<K, Y>>
  implements Checkpointed
{
  // configuration
  private readonly keySelector: KeySelector<IN, K>;
  private readonly example: (record: IN) => Example<Y>;
  private readonly mode: KeyedModelMode;
  private readonly choice: ModelChoice;
  private readonly params: Readonly<Record<string, ModelParamValue>>;

  // checkpointed
  private readonly models = new Map<K, KeyedModelEntry>();

  constructor(config: KeyedModelOperatorConfig<IN, K, Y>) {
    super(config.name);
    this.keySelector = config.keySelector;
    this.example = config.example;
    this.mode = config.mode;
    this.choice = config.model;
    this.params = fullModelParams(config.model);
    createModelHandle(config.model.spec, this.params); // refuses a model type it cannot run, now
  }

  processElement(value: IN, timestamp: number): void {
    this.recordsIn++;
    const key = this.keySelector(value);
    const entry = this.models.get(key) ?? this.addModel(key);
    const { x, y } = this.example(value);
    if (this.mode !== 'learn') {
      const prediction = entry.model.predict(x);
      this.emit({ key, ts: timestamp, prediction, target: y, version: 0 }, timestamp);
    }
    if (this.mode === 'predict') return;
    if (y === undefined && entry.model.needsTarget) return;
    entry.model.learn(x, y);
    entry.learned++;
  }

  /** The model of `key`, if it has seen a record (for tests and inspection). */
  modelOf(key: K): ModelHandle | undefined {
    return this.models.get(key)?.model;
  }

  /** Records the model of `key` learned from. */
  learnedBy(key: K): number {
    return this.models.get(key)?.learned ?? 0;
  }

  override metrics(): OperatorMetrics {
    return { ...super.metrics(), stateKeys: this.models.size, stateEntries: this.models.size };
  }

  /** Every key's model snapshot (copied) by key group, and the watermark. */
  snapshotState(_checkpointId: number): OperatorSnapshot {
    const { groups, keys } = snapshotKeyedModels(this.models);
    return {
      uid: this.uid,
      kind: 'keyed-model',
      shape: this.stateShape(),
      keyGroups: groups,
      keys,
      operatorState: { watermark: this.watermark },
    };
  }

  /** After `open()`, before any input: the models of the key groups this subtask owns. */
  restoreState(restored: RestoredOperator): void {
    checkShapeCompatible(this.uid, restored.shape, this.stateShape());
    try {
      restoreKeyedModels(restored.keyGroups, () => this.newModel(), this.models);
    } catch (error) {
      throw new Error(`cannot restore operator "${this.uid}": ${(error as Error).message}`, { cause: error });
    }
    let watermark = Number.POSITIVE_INFINITY;
    for (const { state } of restored.operatorStates) {
      const saved = (state as { watermark?: unknown } | undefined)?.watermark;
      if (typeof saved === 'number') watermark = Math.min(watermark, saved);
    }
    if (watermark !== Number.POSITIVE_INFINITY && watermark > this.watermark) this.watermark = watermark;
  }

  private get uid(): string {
    return this.context.uid ?? this.name;
  }

  private stateShape(): KeyedModelShape {
    const { spec } = this.choice;
    return { layout: 1, model: spec.name, type: spec.type, params: this.params };
  }

  private addModel(key: K): KeyedModelEntry {
    const entry = {
      keyGroup: keyGroupOf(key, this.context.maxParallelism),
      model: this.newModel(),
      learned: 0,
    };
    this.models.set(key, entry);
    return entry;
  }

  private newModel(): ModelHandle {
    return createModelHandle(this.choice.spec, this.params);
  }
}
