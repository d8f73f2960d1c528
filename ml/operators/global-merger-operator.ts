import type {
  OperatorSnapshot,
  RestoredOperator,
} from '../../services/engine/checkpoint/checkpoint-types.ts';
import type { Checkpointed } from '../../services/engine/checkpoint/checkpointed.ts';
import { checkShapeCompatible } from '../../services/engine/checkpoint/state-shape.ts';
import { keyGroupOf } from '../../services/engine/key-groups.ts';
import { BaseOperator } from '../../services/engine/runtime/operators/base-operator.ts';
import type { Output } from '../../services/engine/runtime/output.ts';
import type { OperatorContext } from '../../services/engine/runtime/stream-operator.ts';
import { MIN_WATERMARK } from '../../services/engine/time/watermark.ts';
import type { EstimatorSnapshot, OnlineEstimator } from '../core/estimator.ts';
import { type GlobalModelConfig, globalModelShape } from './global-model-config.ts';
import {
  closedThrough,
  type GlobalPartial,
  PendingRounds,
  roundEnd,
  type SavedRound,
} from './global-rounds.ts';
import type { ModelBroadcast } from './model-broadcast.ts';
import { GLOBAL_MODEL_KEY, type ModelVersion } from './model-outputs.ts';

export interface GlobalMergerConfig {
  readonly name: string;
  readonly model: GlobalModelConfig;
  readonly broadcast: ModelBroadcast;
}

/** The merger's keyed state (key `'*'`): the global model, its version, and the open rounds. */
interface MergerState {
  readonly version: number;
  readonly learned: number;
  readonly model: EstimatorSnapshot;
  readonly rounds: SavedRound[];
  readonly mergedThrough: number;
}

/**
 * The global model itself: runs after `keyBy(() => '*')` on the learners' partials, so it lives in
 * one subtask and its state is keyed state (key group of `'*'`) that moves with that key group on
 * a rescale. It collects each round's partials; when its watermark passes the round's end every
 * subtask's partial has arrived (each learner emits its partial before forwarding that watermark),
 * so it merges them, applies the merged partial to the global model (one update), bumps the
 * version and emits a {@link ModelVersion} (timestamp `end − 1`) with the new model's snapshot. A
 * round in which nobody learned anything changes nothing and emits nothing. After the rounds a
 * watermark closed, the newest model goes to every replica it heard from; a replica reporting an
 * older version than the current one (after a restore, or one the broadcast has not reached yet)
 * is sent the current model again, once per version.
 *
 * @example
 * new GlobalMergerOperator({ name: 'fleet-merge', model: config, broadcast });
 * // emits { model: 'fleet', estimator: 'online-kmeans', key: '*', version: 1, ts: 59_999, ... }
 */
export class GlobalMergerOperator extends BaseOperator<GlobalPartial, ModelVersion> implements Checkpointed {
  // configuration
  private readonly config: GlobalModelConfig;
  private readonly broadcast: ModelBroadcast;

  // not checkpointed
  /** Replica id → the newest version it reported or was sent. */
  private readonly replicas = new Map<string, number>();
  private release: (() => void) | undefined;
  /** The snapshot of the current version, once taken. */
  private latest: { readonly version: number; readonly snapshot: EstimatorSnapshot } | undefined;

  // checkpointed
  private model: OnlineEstimator;
  private version = 0;
  private learned = 0;
  private rounds: PendingRounds;
  /** The end of the last round merged: a partial for a round before it goes to the next round. */
  private mergedThrough = MIN_WATERMARK;

  constructor(config: GlobalMergerConfig) {
    super(config.name);
    this.config = config.model;
    this.broadcast = config.broadcast;
    this.model = config.model.spec.create(config.model.params);
    this.rounds = new PendingRounds(config.model.learning);
  }

  override open(ctx: OperatorContext, output: Output<ModelVersion>): void {
    super.open(ctx, output);
    if (ctx.subtask !== undefined) this.release = this.broadcast.openCrossThread();
  }

  override close(): void {
    this.release?.();
    this.release = undefined;
  }

  /** The global model now (for tests and inspection), its version and records learned. */
  current(): { readonly model: OnlineEstimator; readonly version: number; readonly learned: number } {
    return { model: this.model, version: this.version, learned: this.learned };
  }

  processElement(value: GlobalPartial, _timestamp: number): void {
    this.recordsIn++;
    this.heardFrom(value.replica, value.version);
    if (value.end === undefined || value.count === 0) return;
    const end =
      value.end <= this.mergedThrough ? roundEnd(this.mergedThrough, this.config.mergeEveryMs) : value.end;
    this.rounds.add(end, value.count, this.config.learning.loadPartial(value.partial), value.subtask);
  }

  override processWatermark(watermark: number): void {
    const before = this.version;
    for (const [end, { count, partial }] of this.rounds.takeClosed(watermark)) {
      this.config.learning.applyPartial(this.model, partial);
      this.version += 1;
      this.learned += count;
      this.emit(this.versionRecord(end - 1), end - 1);
      this.mergedThrough = Math.max(this.mergedThrough, end);
    }
    this.mergedThrough = Math.max(this.mergedThrough, closedThrough(watermark, this.config.mergeEveryMs));
    if (this.version > before) this.publish([...this.replicas.keys()]);
    super.processWatermark(watermark);
  }

  /** The global model (if it learned or holds a partial) under the key group of `'*'`. */
  snapshotState(_checkpointId: number): OperatorSnapshot {
    const keyGroups = new Map<number, unknown>();
    if (this.version > 0 || this.rounds.size > 0) {
      const state: MergerState = {
        version: this.version,
        learned: this.learned,
        model: this.model.snapshot(),
        rounds: this.rounds.save(),
        mergedThrough: this.mergedThrough,
      };
      keyGroups.set(keyGroupOf(GLOBAL_MODEL_KEY, this.context.maxParallelism), state);
    }
    return {
      uid: this.uid,
      kind: 'global-model-merger',
      shape: globalModelShape(this.config, 'merger'),
      keyGroups,
      keys: keyGroups.size,
    };
  }

  /** The global model, when this subtask owns the key group of `'*'`. */
  restoreState(restored: RestoredOperator): void {
    checkShapeCompatible(this.uid, restored.shape, globalModelShape(this.config, 'merger'));
    const saved = restored.keyGroups.get(keyGroupOf(GLOBAL_MODEL_KEY, this.context.maxParallelism)) as
      | MergerState
      | undefined;
    if (saved === undefined) return;
    const model = this.config.spec.create(this.config.params);
    model.restore(saved.model);
    this.model = model;
    this.version = saved.version;
    this.learned = saved.learned;
    this.rounds = new PendingRounds(this.config.learning);
    this.rounds.load(saved.rounds);
    this.mergedThrough = saved.mergedThrough;
  }

  private get uid(): string {
    return this.context.uid ?? this.name;
  }

  /** Notes a replica; sends it the current model when it reports an older one not sent yet. */
  private heardFrom(replica: string, version: number): void {
    const known = Math.max(this.replicas.get(replica) ?? 0, version);
    this.replicas.set(replica, known);
    if (known < this.version) this.publish([replica]);
  }

  private publish(to: readonly string[]): void {
    for (const replica of to) this.replicas.set(replica, this.version);
    this.broadcast.publish({ version: this.version, snapshot: this.snapshot() }, to);
  }

  /** The current version's snapshot (taken once per version). */
  private snapshot(): EstimatorSnapshot {
    if (this.latest?.version !== this.version) {
      this.latest = { version: this.version, snapshot: this.model.snapshot() };
    }
    return this.latest.snapshot;
  }

  private versionRecord(ts: number): ModelVersion {
    const { modelName, spec } = this.config;
    return {
      model: modelName,
      estimator: spec.name,
      type: spec.type,
      key: GLOBAL_MODEL_KEY,
      version: this.version,
      ts,
      learned: this.learned,
      snapshot: this.snapshot(),
    };
  }
}
