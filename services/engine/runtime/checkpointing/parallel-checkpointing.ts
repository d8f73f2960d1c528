import type { CompletedCheckpoint, TaskStateHandle } from '../../checkpoint/checkpoint-types.ts';
import type { TriggerOptions } from '../../checkpoint/coordinator-types.ts';

/** A worker task snapshotted checkpoint `id` durably. `task` is `"<task>#<subtask>"`, as in {@link ParallelCheckpointing.tasks}. */
export interface ParallelTaskAck {
  readonly id: number;
  readonly task: string;
  /**
   * The task's durable snapshot file; `null` for a task that keeps no state and only flushed (e.g.
   * main-thread sinks fed by the subtasks): the job then writes an empty snapshot file for it, so
   * that every expected task has a file in the manifest.
   */
  readonly handle: TaskStateHandle | null;
  /** How long the task stopped processing to capture its state (ms). */
  readonly pauseMs: number;
}

/** A worker task cannot take checkpoint `id`: it is aborted. */
export interface ParallelTaskDecline {
  readonly id: number;
  readonly task: string;
  readonly reason: string;
}

/**
 * What the job's checkpointing needs from the parallel runtime (parallelism > 1), which exposes it
 * as `ParallelRuntime.checkpointing`. The main thread keeps the coordinator and checkpoints its own
 * chain (sources, steps before the first `keyBy`, sinks) as task `main#0`; the workers' tasks are
 * checkpointed through this.
 *
 * Order of calls: `restore` (only when restoring; after the workers opened their operators, before
 * any source opens), `onAck` and `onDecline` once, then per checkpoint `trigger`, then `notifyComplete` or
 * `notifyAborted`.
 */
export interface ParallelCheckpointing {
  /** Ids (`"<task>#<subtask>"`) of every worker task that must acknowledge a checkpoint. */
  tasks(): readonly string[];
  /**
   * Called synchronously right after the main thread captured its chain for checkpoint `id`, before
   * any later record: inject barrier `id` into every exchange leaving the main thread (the
   * main-thread sources also call `emitBarrier` on their outputs), and have parallel sources in the
   * workers snapshot and emit theirs. Each worker task snapshots on aligned barriers, flushes, writes
   * `writeEncodedSnapshot(options.dir, ...)` and answers through `onAck` (or `onDecline`).
   */
  trigger(id: number, options: TriggerOptions & { readonly dir: string }): void;
  /** Where the tasks' acknowledgements go (set once, before the first `trigger`). */
  onAck(listener: (ack: ParallelTaskAck) => void): void;
  /** Where the tasks' declines go (set once, before the first `trigger`). */
  onDecline(listener: (decline: ParallelTaskDecline) => void): void;
  /** Checkpoint `id` is durable: parallel sources are told (`Source.notifyCheckpointComplete`). */
  notifyComplete(id: number): void;
  /** Checkpoint `id` was given up: tasks drop its alignment and pending snapshot. */
  notifyAborted(id: number, reason: string): void;
  /**
   * Every worker loads `checkpoint` for its key-group range (`loadCheckpoint(checkpoint,
   * { keyGroupRange })`) and restores its operators (`restoreState`) and parallel sources (as
   * `ChainCheckpointer.restoreOperators` / `restoreSources` do). Called after the workers are ready
   * and before any source starts; a runtime that already restored in the workers as they started
   * (it had the checkpoint in its config) resolves once they did. Rejects with the first error. The
   * main thread already checked maxParallelism and unknown uids.
   */
  restore(checkpoint: CompletedCheckpoint): Promise<void>;
}

/** The parallel runtime's checkpointing, or a clear error while it does not have one. */
export function parallelCheckpointingOf(runtime: object): ParallelCheckpointing {
  const checkpointing = (runtime as { readonly checkpointing?: ParallelCheckpointing }).checkpointing;
  if (checkpointing === undefined) {
    throw new Error(
      'checkpoints at parallelism > 1 are not wired yet: run the job at parallelism 1 to take or restore checkpoints',
    );
  }
  return checkpointing;
}
