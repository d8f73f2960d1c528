import type { Key, KeySelector } from '../../services/engine/api/functions.ts';
import { OutputTag } from '../../services/engine/api/output-tag.ts';
import type {
  OperatorSnapshot,
  RestoredOperator,
} from '../../services/engine/checkpoint/checkpoint-types.ts';
import type { Checkpointed } from '../../services/engine/checkpoint/checkpointed.ts';
import { checkShapeCompatible } from '../../services/engine/checkpoint/state-shape.ts';
import { keyGroupOf } from '../../services/engine/key-groups.ts';
import { BaseOperator } from '../../services/engine/runtime/operators/base-operator.ts';
import type { OperatorMetrics } from '../../services/engine/runtime/stream-operator.ts';
import { CopyOnWriteCapture } from '../../services/engine/state/copy-on-write-capture.ts';
import { copyPlain } from '../../services/engine/state/copy-plain.ts';
import { IdleKeyExpiry } from '../../services/engine/state/idle-key-expiry.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { checkEstimatorFormat, SnapshotTemplate } from '../core/snapshot-template.ts';
import { changesInBackground, type TrainsInBackground } from '../tf/background-training.ts';
import {
  type EstimatorHolder,
  type KeyedModelEntry,
  restoreKeyedModels,
  type SavedKeyedModel,
  saveKeyedModel,
} from './keyed-model-snapshots.ts';
import { fullModelParams, type ModelChoice, type ModelParamValue } from './model-handle.ts';
import type { ModelVersion } from './model-outputs.ts';
import { StaggeredSchedule } from './staggered-schedule.ts';

/**
 * The side output of every per-key model operator: its model versions (Flink ML's model-data stream).
 *
 * @example
 * learnAndPredict(keyed, options).getSideOutput(MODEL_VERSIONS).sinkTo(registrySink);
 */
export const MODEL_VERSIONS = new OutputTag<ModelVersion>('model-versions');

/**
 * How often per-key models publish a version by default (event time): once a minute.
 *
 * @example
 * new KeyedModelOperator({ ...config, versionEveryMs: DEFAULT_VERSION_EVERY_MS * 5 }); // every 5 min
 */
export const DEFAULT_VERSION_EVERY_MS = 60_000;

/** What every per-key model operator is configured with. */
export interface KeyedEstimatorConfig<IN, K extends Key> {
  readonly name: string;
  readonly keySelector: KeySelector<IN, K>;
  readonly model: ModelChoice;
  /** The job's name for the model, in its versions (default: the operator's name). */
  readonly modelName?: string;
  /** At most one version per key this often, in event time (default {@link DEFAULT_VERSION_EVERY_MS}). */
  readonly versionEveryMs?: number;
  /**
   * A key whose last record is this much older than the watermark is dropped with its model and
   * version counter (undefined: keys never expire). See `IdleKeyExpiry`.
   */
  readonly stateTtlMs?: number;
}

/** The state shape of a per-key model operator: the model's kind and full hyperparameters. */
export interface KeyedModelShape {
  readonly layout: 1;
  readonly model: string;
  readonly type: string;
  readonly params: Readonly<Record<string, ModelParamValue>>;
}

/**
 * What per-key model operators share (`KeyedModelOperator`, `KeyedForecastOperator`): one model
 * per key, built when the key's first record arrives; model versions; checkpoints.
 *
 * - Versions: a key whose model learned since its last version gets a new one (1, 2, … per key)
 *   on the side output {@link MODEL_VERSIONS} at most once per `versionEveryMs` of event time,
 *   at the key's own phase of that interval (see `StaggeredSchedule`: 10,000 keys do not all
 *   publish at one watermark), stamped with the latest time the model learned. Only those keys
 *   are visited (in key order), not every key.
 * - Checkpoints: `snapshotState` holds every key's `estimator.snapshot()`, records learned,
 *   version and whether it learned since, by key group; `restoreState` rebuilds the models of the
 *   key groups this subtask owns (at any parallelism) and refuses a checkpoint taken with another
 *   model or other hyperparameters (`IncompatibleStateError` naming the operator).
 * - Idle keys (`stateTtlMs`): a key whose last record (learned or only predicted) is older than the
 *   TTL in event time is dropped at a watermark, after that watermark's versions went out, with
 *   its model, version counter and counts (metric `keysExpired`). Its last-seen time is
 *   checkpointed. A key that comes back after that starts afresh: a new model, versions from 1.
 *
 * @example
 * class Learner extends KeyedEstimatorOperator<Row, never, string, ModelHandle> {
 *   processElement(row: Row, ts: number) {
 *     const entry = this.entryOf(row.device, ts);
 *     entry.model.learn(row.x, row.y);
 *     this.learnedAt(row.device, entry, ts);
 *   }
 * }
 */
export abstract class KeyedEstimatorOperator<IN, OUT, K extends Key, M extends EstimatorHolder>
  extends BaseOperator<IN, OUT>
  implements Checkpointed
{
  // configuration
  protected readonly keySelector: KeySelector<IN, K>;
  private readonly spec: ModelSpec;
  private readonly params: Readonly<Record<string, ModelParamValue>>;
  private readonly modelName: string;
  private readonly newModel: () => M;
  private readonly template: SnapshotTemplate;

  // checkpointed
  private readonly models = new Map<K, KeyedModelEntry<M>>();
  /** When the keys that learned publish a version (the keys pending are derived from the models on restore). */
  private readonly versions: StaggeredSchedule<K>;
  private readonly expiry: IdleKeyExpiry<K>;

  // not checkpointed: a checkpoint's copy-on-write capture of the models
  private readonly capture: CopyOnWriteCapture<K, KeyedModelEntry<M>, SavedKeyedModel<K>>;

  /** `create` builds a key's model from the spec and full hyperparameters (and refuses a model type it cannot run). */
  constructor(
    config: KeyedEstimatorConfig<IN, K>,
    private readonly kind: string,
    create: (spec: ModelSpec, params: Readonly<Record<string, ModelParamValue>>) => M,
  ) {
    super(config.name);
    this.keySelector = config.keySelector;
    this.spec = config.model.spec;
    this.params = fullModelParams(config.model);
    this.modelName = config.modelName ?? config.name;
    this.versions = new StaggeredSchedule(config.versionEveryMs ?? DEFAULT_VERSION_EVERY_MS);
    this.expiry = new IdleKeyExpiry<K>(config.stateTtlMs);
    this.newModel = () => create(this.spec, this.params);
    const { estimator } = this.newModel(); // also refuses a model it cannot run, now
    this.template = new SnapshotTemplate(estimator.snapshot());
    this.capture = new CopyOnWriteCapture(
      (key, entry) => saveKeyedModel(key, entry, this.expiry.lastSeenOf(key), this.template),
      { deferred: !changesInBackground(estimator) },
    );
  }

  /** The model of `key`, if it has seen a record (for tests and inspection). */
  modelOf(key: K): M | undefined {
    return this.models.get(key)?.model;
  }

  /** Records the model of `key` learned from. */
  learnedBy(key: K): number {
    return this.models.get(key)?.learned ?? 0;
  }

  /** The last version published for `key` (0: none yet). */
  versionOf(key: K): number {
    return this.models.get(key)?.version ?? 0;
  }

  override processWatermark(watermark: number): void {
    this.publishVersions(this.versions.due(watermark));
    this.expiry.expire(watermark, this.dropKey);
    super.processWatermark(watermark);
  }

  override async close(): Promise<void> {
    const trainers = [...this.models.values()].map((e) => e.model.estimator as Partial<TrainsInBackground>);
    await Promise.all(trainers.map((t) => t.dispose?.()));
  }

  override metrics(): OperatorMetrics {
    return {
      ...super.metrics(),
      stateKeys: this.models.size,
      stateEntries: this.models.size,
      keysExpired: this.expiry.expired,
    };
  }

  /**
   * Every key's model snapshot by key group (captured copy-on-write: saved by the encoder, or
   * before a record changes the model), the watermark and the version schedule.
   */
  snapshotState(_checkpointId: number): OperatorSnapshot {
    return {
      uid: this.uid,
      kind: this.kind,
      shape: this.stateShape(),
      keyGroups: this.capture.begin(this.models),
      keys: this.models.size,
      operatorState: {
        watermark: this.watermark,
        versions: this.versions.toJSON(),
        estimatorFormat: this.template.format,
      },
    };
  }

  /** After `open()`, before any input: the models of the key groups this subtask owns. */
  restoreState(restored: RestoredOperator): void {
    checkShapeCompatible(this.uid, restored.shape, this.stateShape());
    checkEstimatorFormat(this.uid, restored.operatorStates, this.template);
    try {
      restoreKeyedModels(
        restored.keyGroups,
        () => this.newModel(),
        this.template,
        this.models,
        (key, lastSeen) => this.expiry.restore(key, lastSeen),
      );
    } catch (error) {
      throw new Error(`cannot restore operator "${this.uid}": ${(error as Error).message}`, { cause: error });
    }
    for (const [key, entry] of this.models) if (entry.dirty) this.versions.changed(key);
    const states = restored.operatorStates.map(
      ({ state }) => (state ?? {}) as { watermark?: unknown; versions?: unknown },
    );
    const watermarks = states.flatMap((s) => (typeof s.watermark === 'number' ? [s.watermark] : []));
    if (watermarks.length > 0) this.watermark = Math.max(this.watermark, Math.min(...watermarks));
    this.versions.restore(states.map((s) => s.versions));
  }

  /**
   * The entry of `key` for its record at event time `ts`, ready to change (saved first if a
   * checkpoint's capture needs it), made with a fresh model when the key is new.
   */
  protected entryOf(key: K, ts: number): KeyedModelEntry<M> {
    let entry = this.models.get(key);
    if (entry === undefined) {
      const keyGroup = keyGroupOf(key, this.context.maxParallelism);
      entry = {
        keyGroup,
        captureEpoch: 0,
        model: this.newModel(),
        learned: 0,
        version: 0,
        lastTs: -Infinity,
        dirty: false,
      };
      this.models.set(key, entry);
    } else {
      this.capture.beforeWrite(key, entry);
    }
    this.expiry.seen(key, ts);
    return entry;
  }

  /** Counts a record the model of `key` just learned, at event time `ts`. */
  protected learnedAt(key: K, entry: KeyedModelEntry<M>, ts: number): void {
    entry.learned++;
    if (ts > entry.lastTs) entry.lastTs = ts;
    if (!entry.dirty) {
      entry.dirty = true;
      this.versions.changed(key);
    }
  }

  /** An expired key: its model (and its background trainer, if any) goes. */
  private readonly dropKey = (key: K): void => {
    const entry = this.models.get(key);
    if (entry !== undefined) this.capture.beforeWrite(key, entry);
    this.models.delete(key);
    this.versions.forget(key);
    const trainer = entry?.model.estimator as Partial<TrainsInBackground> | undefined;
    // best effort: a trainer that fails to stop holds nothing the job still needs
    trainer?.dispose?.().catch(() => undefined);
  };

  private publishVersions(keys: readonly K[]): void {
    const { name: estimator, type } = this.spec;
    for (const key of keys) {
      const entry = this.models.get(key)!;
      this.capture.beforeWrite(key, entry);
      entry.dirty = false;
      entry.version++;
      const version: ModelVersion = {
        model: this.modelName,
        estimator,
        type,
        key: String(key),
        version: entry.version,
        ts: entry.lastTs,
        learned: entry.learned,
        snapshot: copyPlain(entry.model.estimator.snapshot()),
      };
      this.output.sideOutput(MODEL_VERSIONS, version, entry.lastTs);
    }
  }

  private get uid(): string {
    return this.context.uid ?? this.name;
  }

  private stateShape(): KeyedModelShape {
    return { layout: 1, model: this.spec.name, type: this.spec.type, params: this.params };
  }
}
