import type {
  KeyGroupRange,
  OperatorSnapshot,
  RestoredState,
  TaskSnapshot,
  TaskStateHandle,
} from '../../checkpoint/checkpoint-types.ts';
import { flushesOnCheckpoint, isCheckpointed } from '../../checkpoint/checkpointed.ts';
import type { CoordinatorLogger } from '../../checkpoint/coordinator-types.ts';
import { encodeTaskSnapshotSliced } from '../../checkpoint/snapshot-codec.ts';
import { checkShapeCompatible } from '../../checkpoint/state-shape.ts';
import { writeEncodedSnapshot } from '../../checkpoint/task-snapshot-file.ts';
import type { SourceTask } from '../source-task.ts';
import type { StreamOperator } from '../stream-operator.ts';
import { sourceRestoreInput } from './source-state.ts';

/** A source of the chain, its uid, and which split of how many it is (`{ 0, 1 }` in the main thread). */
export interface ChainSource {
  readonly uid: string;
  readonly task: SourceTask<unknown>;
  readonly split: { readonly index: number; readonly count: number };
}

/** An operator of the chain and its uid (`OperatorContext.uid`). */
export interface ChainOperator {
  readonly uid: string;
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  readonly operator: StreamOperator<any, any>;
}

/** A chain's state captured for a checkpoint, with the flushes it started. */
export interface CapturedChain {
  readonly id: number;
  readonly snapshot: TaskSnapshot;
  /** How long the synchronous capture held the thread (ms). */
  readonly pauseMs: number;
  readonly flushed: Promise<unknown>;
}

/** What the chain reports for a checkpoint once its file is durable and its sinks flushed. */
export interface ChainAck {
  readonly handle: TaskStateHandle;
  readonly pauseMs: number;
  /** Longest slice of the encoding after the pause (ms). */
  readonly longestSliceMs: number;
  readonly slices: number;
  /** From the capture to the durable file and the flushes (ms). */
  readonly persistMs: number;
}

/** The kind and shape of a source's entry (see `source-state.ts`). */
const SOURCE_KIND = 'source';
const SOURCE_SHAPE = { state: 'source-task', version: 1 };

/**
 * Checkpoints one chain of direct calls: its sources and operators run synchronously in one thread,
 * one record at a time, from event-loop callbacks (a source's batch, a timer). So a checkpoint
 * taken between two callbacks sees every record handed over before it fully processed by every
 * operator of the chain and none after: the chain's state is consistent as it is, no barrier has
 * to travel along it and no input needs aligning (the barriers of Flink exist for records queued
 * between tasks, and within a chain there are none). At parallelism 1 the whole job is such a
 * chain; at parallelism > 1 the main thread's part and each worker's part are.
 *
 * `capture` is that synchronous moment: every source's and checkpointed operator's
 * `snapshotState`, then the barrier to the chain's outputs (exchanges to other threads forward it),
 * then `prepareCheckpoint` on sinks (flushes start before any later record is written). Its
 * duration is the pause. `persist` then encodes in slices (`encodeTaskSnapshotSliced`), writes the
 * file durably and waits for the flushes: the task may acknowledge only after that.
 *
 * @example
 * const captured = chain.capture(7);          // between two records
 * const ack = await chain.persist(captured, store.checkpointDir(7));
 * coordinator.acknowledge(7, 'main#0', ack.handle, { pauseMs: ack.pauseMs });
 */
export class ChainCheckpointer {
  private readonly aborted = new Set<number>();

  constructor(
    private readonly options: {
      /** Task name (`main` in the main thread) and subtask: the snapshot file's name. */
      readonly task: string;
      readonly subtask: number;
      /** Key groups the chain's keyed operators own; `null` when it has none. */
      readonly keyGroupRange: KeyGroupRange | null;
      readonly sources: readonly ChainSource[];
      readonly operators: readonly ChainOperator[];
      readonly logger: CoordinatorLogger;
      /** Measures the pause and slices; default `performance.now`. */
      readonly now?: () => number;
    },
  ) {}

  /** `"<task>#<subtask>"`, the id the coordinator expects acknowledgements from. */
  get taskId(): string {
    return `${this.options.task}#${this.options.subtask}`;
  }

  /** uids of the chain's sources and operators. */
  get uids(): string[] {
    return [...this.options.sources, ...this.options.operators].map((member) => member.uid);
  }

  /** The synchronous part of checkpoint `id`: snapshots, barriers, flushes started. */
  capture(id: number): CapturedChain {
    const now = this.options.now ?? (() => performance.now());
    const started = now();
    const operators: OperatorSnapshot[] = [];
    for (const { uid, task } of this.options.sources) {
      const state = task.snapshotState(id);
      operators.push({
        uid,
        kind: SOURCE_KIND,
        shape: SOURCE_SHAPE,
        keyGroups: new Map(),
        operatorState: state,
        keys: 0,
      });
    }
    for (const { uid, operator } of this.options.operators) {
      if (!isCheckpointed(operator)) continue;
      const snapshot = operator.snapshotState(id);
      if (snapshot.uid !== uid) {
        throw new Error(
          `operator "${operator.name}" snapshotted under uid "${snapshot.uid}", not its OperatorContext.uid "${uid}"`,
        );
      }
      operators.push(snapshot);
    }
    for (const { task } of this.options.sources) task.emitBarrier(id);
    const flushes: Promise<unknown>[] = [];
    for (const { operator } of this.options.operators) {
      if (flushesOnCheckpoint(operator)) flushes.push(Promise.resolve(operator.prepareCheckpoint(id)));
    }
    const pauseMs = now() - started;
    const { task, subtask, keyGroupRange } = this.options;
    return {
      id,
      snapshot: { task, subtask, keyGroupRange, operators },
      pauseMs,
      flushed: Promise.all(flushes),
    };
  }

  /** Encodes and writes the captured state into `dir`, and waits for the flushes. Rejects when any fails. */
  async persist(captured: CapturedChain, dir: string): Promise<ChainAck> {
    const now = this.options.now ?? (() => performance.now());
    const started = now();
    captured.flushed.catch(() => {}); // awaited below, after the write
    const encoded = await encodeTaskSnapshotSliced(captured.snapshot, { now });
    if (this.aborted.has(captured.id)) throw new Error(`checkpoint ${captured.id} was aborted`);
    const handle = await writeEncodedSnapshot(dir, captured.snapshot, encoded.bytes);
    try {
      await captured.flushed;
    } catch (error) {
      throw new Error(`a sink could not flush: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    return {
      handle,
      pauseMs: captured.pauseMs,
      longestSliceMs: encoded.longestSliceMs,
      slices: encoded.slices,
      persistMs: now() - started,
    };
  }

  /**
   * Restores the chain's operators, after they opened: each checkpointed operator gets its state
   * (it checks the shape), one without saved state starts empty (logged). State for an operator
   * that cannot hold it is an error unless `allowNonRestoredState`.
   */
  restoreOperators(restored: RestoredState, allowNonRestoredState: boolean): void {
    for (const { uid, operator } of this.options.operators) {
      const state = restored.operators.get(uid);
      if (!isCheckpointed(operator)) {
        if (state && !allowNonRestoredState) {
          throw new Error(
            `checkpoint ${restored.checkpoint.manifest.id} holds state of "${uid}" (${state.kind}), but operator "${operator.name}" keeps none now: ` +
              'restore a snapshot of a compatible job, or allow non-restored state to drop it',
          );
        }
        continue;
      }
      if (!state) {
        this.options.logger.info(
          { uid, checkpoint: restored.checkpoint.manifest.id },
          `operator ${uid} has no state in the checkpoint: it starts empty`,
        );
        continue;
      }
      operator.restoreState(state);
    }
  }

  /** Restores the chain's sources' positions and event time, before they open. */
  restoreSources(restored: RestoredState): void {
    for (const { uid, task, split } of this.options.sources) {
      const state = restored.operators.get(uid);
      if (!state) {
        this.options.logger.info(
          { uid },
          `source ${uid} has no state in the checkpoint: it starts from its beginning`,
        );
        continue;
      }
      if (state.kind !== SOURCE_KIND) {
        throw new Error(
          `cannot restore source "${uid}": the checkpoint holds a ${state.kind} operator's state under its uid`,
        );
      }
      checkShapeCompatible(uid, state.shape, SOURCE_SHAPE);
      task.restoreState(
        sourceRestoreInput(
          uid,
          state.operatorStates.map((s) => s.state),
          split,
        ),
      );
    }
  }

  /** Checkpoint `id` is durable: every source is told (a failing one is logged, the others still are). */
  notifyComplete(id: number): void {
    this.aborted.clear();
    this.notifySources(id, 'complete', (task) => task.notifyCheckpointComplete(id));
  }

  notifyAborted(id: number): void {
    this.aborted.add(id);
    this.notifySources(id, 'aborted', (task) => task.notifyCheckpointAborted(id));
  }

  private notifySources(id: number, what: string, notify: (task: SourceTask<unknown>) => void): void {
    for (const { uid, task } of this.options.sources) {
      try {
        notify(task);
      } catch (error) {
        this.options.logger.error(
          { checkpoint: id, uid, err: error },
          `source ${uid}: notifying checkpoint ${what} failed`,
        );
      }
    }
  }
}
