import type {
  OperatorSnapshot,
  RestoredOperator,
} from '../../services/engine/checkpoint/checkpoint-types.ts';
import type { Checkpointed } from '../../services/engine/checkpoint/checkpointed.ts';
import { checkShapeCompatible } from '../../services/engine/checkpoint/state-shape.ts';
import { BaseOperator } from '../../services/engine/runtime/operators/base-operator.ts';
import type { Output } from '../../services/engine/runtime/output.ts';
import type { OperatorContext } from '../../services/engine/runtime/stream-operator.ts';
import { MIN_WATERMARK } from '../../services/engine/time/watermark.ts';
import type { EstimatorSnapshot } from '../core/estimator.ts';
import type { GlobalModelConfig } from './global-model-config.ts';
import { globalModelShape } from './global-model-config.ts';
import { checkPredicts, GlobalReplica } from './global-replica.ts';
import { closedThrough, GLOBAL_PARTIALS, PendingRounds, roundEnd, type SavedRound } from './global-rounds.ts';
import type { Example, KeyedPrediction } from './keyed-model-operator.ts';
import { type BroadcastModel, type ModelBroadcast, newReplicaId } from './model-broadcast.ts';
import type { Target } from './model-handle.ts';
import { GLOBAL_MODEL_KEY } from './model-outputs.ts';

export interface GlobalLearnerConfig<IN, Y extends Target> {
  readonly name: string;
  readonly model: GlobalModelConfig;
  readonly example: (record: IN) => Example<Y>;
  /** What each prediction says it was made for (`subject`), e.g. the record's device. */
  readonly subject?: (record: IN) => string;
  /** Emit a prediction per record (test-then-train), or only learn. */
  readonly predict: boolean;
  readonly broadcast: ModelBroadcast;
}

/** A learner's operator state: its replica, its rounds not sent yet, the last round end it passed. */
interface LearnerState {
  readonly replica: { version: number; snapshot: EstimatorSnapshot };
  readonly rounds: SavedRound[];
  readonly lastEnd: number;
}

/**
 * One subtask's side of a global model (runs after a `keyBy`, any key: each subtask sees its
 * share of the records). It holds a replica of the global model; per record it predicts with the
 * replica (emitting `{ key: '*', version }` of the replica, when predicting) and then adds the
 * record to the partial update of the record's round (late records: of the first round not sent
 * yet). When the watermark passes a round's end it emits the round's partial to the side output
 * {@link GLOBAL_PARTIALS} before forwarding the watermark (an empty one when it learned nothing,
 * so that the merger hears from every replica); the merger, keyed by `'*'`, then has every
 * subtask's partial once its own watermark passes the round's end. New versions come back through
 * the {@link ModelBroadcast}; the first input makes it say hello, so a merger ahead of it (after a
 * restore) sends it the current model.
 *
 * A record is learned against the version the replica holds when it arrives. A round is merged
 * only once the watermark passed its end, so the next round's first records are usually learned
 * against the version before (and at parallelism > 1 the broadcast takes a few turns to reach
 * other threads): a staleness of a round or two, as in asynchronous parameter servers. Gradient
 * models and k-means converge with it; the scaler and naive Bayes merge statistics, exact anyway.
 *
 * Checkpoints hold the replica and the pending partials as operator state. A restore at another
 * parallelism P gives subtask i the pending partials of every old subtask j with j mod P = i,
 * merged round by round (nothing learned is lost), and the newest replica of all.
 *
 * @example
 * new GlobalLearnerOperator({ name: 'fleet-learn', model: config, predict: true, broadcast,
 *   example: (r: Reading) => ({ x: { temperature: r.value } }) });
 */
export class GlobalLearnerOperator<IN, Y extends Target = Target>
  extends BaseOperator<IN, KeyedPrediction<typeof GLOBAL_MODEL_KEY, Y>>
  implements Checkpointed
{
  // configuration
  private readonly config: GlobalModelConfig;
  private readonly example: (record: IN) => Example<Y>;
  private readonly subjectOf: ((record: IN) => string) | undefined;
  private readonly predicting: boolean;
  private readonly broadcast: ModelBroadcast;

  // not checkpointed
  private readonly id = newReplicaId();
  private greeted = false;
  private leave: (() => void) | undefined;

  // checkpointed
  private readonly replica: GlobalReplica;
  private readonly rounds: PendingRounds;
  /** The end of the last round the watermark closed: records before it go to later rounds. */
  private lastEnd = MIN_WATERMARK;

  constructor(config: GlobalLearnerConfig<IN, Y>) {
    super(config.name);
    this.config = config.model;
    this.example = config.example;
    this.subjectOf = config.subject;
    this.predicting = config.predict;
    this.broadcast = config.broadcast;
    this.replica = new GlobalReplica(config.model.spec, config.model.params);
    this.rounds = new PendingRounds(config.model.learning);
    if (this.predicting) checkPredicts(config.model.spec);
  }

  override open(ctx: OperatorContext, output: Output<KeyedPrediction<typeof GLOBAL_MODEL_KEY, Y>>): void {
    super.open(ctx, output);
    this.leave = this.broadcast.join(this.id, (model) => this.receive(model), ctx.subtask !== undefined);
  }

  override close(): void {
    this.leave?.();
    this.leave = undefined;
  }

  /** The replica's version now. */
  get version(): number {
    return this.replica.version;
  }

  processElement(value: IN, timestamp: number): void {
    this.recordsIn++;
    this.greet(timestamp);
    const { x, y } = this.example(value);
    if (this.predicting) {
      const { prediction, proba } = this.replica.predict(x);
      const version = this.replica.version;
      const key = GLOBAL_MODEL_KEY;
      const subject = this.subjectOf?.(value);
      this.emit(
        {
          key,
          ts: timestamp,
          prediction,
          ...(proba ? { proba } : {}),
          target: y,
          version,
          ...(subject === undefined ? {} : { subject }),
        },
        timestamp,
      );
    }
    // a record without event time (NaN) learns into the first round not sent yet, as a late one
    const t = Number.isNaN(timestamp) ? this.lastEnd : Math.max(timestamp, this.lastEnd);
    const round = this.rounds.at(roundEnd(t, this.config.mergeEveryMs));
    if (this.config.learning.addExample(round.partial, this.replica.model, x, y)) round.count++;
  }

  override processWatermark(watermark: number): void {
    this.greet(watermark);
    const closed = this.rounds.takeClosed(watermark);
    for (const [end, { count, partial }] of closed) {
      const saved = count > 0 ? this.config.learning.savePartial(partial) : undefined;
      this.sendPartial(end, count, saved);
    }
    const passed = closedThrough(watermark, this.config.mergeEveryMs);
    if (passed > this.lastEnd) {
      if (closed.length === 0) this.sendPartial(passed, 0, undefined);
      this.lastEnd = passed;
    }
    super.processWatermark(watermark);
  }

  snapshotState(_checkpointId: number): OperatorSnapshot {
    const state: LearnerState = {
      replica: this.replica.save(),
      rounds: this.rounds.save(),
      lastEnd: this.lastEnd,
    };
    return {
      uid: this.uid,
      kind: 'global-model-learner',
      shape: globalModelShape(this.config, 'learner'),
      keyGroups: new Map(),
      operatorState: state,
      keys: 0,
    };
  }

  /** Takes the newest replica of all old subtasks, and the rounds of those with j mod P = i. */
  restoreState(restored: RestoredOperator): void {
    checkShapeCompatible(this.uid, restored.shape, globalModelShape(this.config, 'learner'));
    const { index, parallelism } = this.context.subtask ?? { index: 0, parallelism: 1 };
    let newest: LearnerState['replica'] | undefined;
    for (const { subtask, state } of restored.operatorStates) {
      const saved = state as LearnerState;
      if (newest === undefined || saved.replica.version > newest.version) newest = saved.replica;
      if (subtask % parallelism !== index) continue;
      this.rounds.load(saved.rounds, 0);
      this.lastEnd = Math.max(this.lastEnd, saved.lastEnd);
    }
    if (newest !== undefined && newest.version > 0) this.replica.accept(newest);
  }

  private get uid(): string {
    return this.context.uid ?? this.name;
  }

  private get subtask(): number {
    return this.context.subtask?.index ?? 0;
  }

  /** On the first input: tells the merger this replica exists and which version it holds. */
  private greet(timestamp: number): void {
    if (this.greeted) return;
    this.greeted = true;
    this.output.sideOutput(
      GLOBAL_PARTIALS,
      { replica: this.id, version: this.replica.version, subtask: this.subtask, count: 0 },
      timestamp,
    );
  }

  private sendPartial(end: number, count: number, partial: unknown): void {
    const message = { replica: this.id, version: this.replica.version, subtask: this.subtask, end, count };
    this.output.sideOutput(
      GLOBAL_PARTIALS,
      partial === undefined ? message : { ...message, partial },
      end - 1,
    );
  }

  private receive(model: BroadcastModel): void {
    try {
      this.replica.accept(model);
    } catch (error) {
      const failure = new Error(
        `global model "${this.config.modelName}": replica ${this.id} could not take version ${model.version}: ${(error as Error).message}`,
        { cause: error },
      );
      if (this.context.fail) this.context.fail(failure);
      else throw failure;
    }
  }
}
