import type { CheckpointKind, TaskStateHandle } from '../../checkpoint/checkpoint-types.ts';

/**
 * The agreed contract between the job's checkpointing (in `JobExecution`, main thread) and the
 * parallel runtime (`runtime/parallel/`, worker threads), for parallelism > 1.
 *
 * Flow of checkpoint `id`:
 * 1. The coordinator triggers. `JobExecution` calls {@link ParallelCheckpointing.begin} (workers
 *    learn the directory to write to), then snapshots the main thread's own task — sources and
 *    the steps before the first exchange — and the sources emit barrier `id` into their
 *    exchanges (`Downstream.emitBarrier`), which put it in band into every channel.
 * 2. Each worker subtask aligns barrier `id` over its input channels (`BarrierAligner`), snapshots
 *    its chain's `Checkpointed` operators (only its key groups), forwards the barrier to its output
 *    channels, writes its task file (`writeEncodedSnapshot`) and acknowledges with the handle.
 * 3. The main thread's sinks fed by channels align the barrier over those channels, flush
 *    (`prepareCheckpoint`), and acknowledge as one task.
 * 4. Every ack reaches the coordinator through {@link ParallelCheckpointing.onAck}; when all tasks
 *    of {@link ParallelCheckpointing.tasks} and the main task acked, the manifest is written and
 *    `notifyComplete` tells the parallel sources' splits in the workers (MQTT PUBACKs).
 *
 * Restore: the parallel runtime is given the `CompletedCheckpoint` when it starts; each worker
 * loads its own key-group range (`loadCheckpoint(checkpoint, { keyGroupRange })`) and calls
 * `restoreState` on its operators after `open()` and before any input.
 */
export interface ParallelCheckpointing {
  /** Task ids ("<chain>#<subtask>", and one for the channel-fed main-thread sinks) that acknowledge every checkpoint. */
  tasks(): readonly string[];
  /** Checkpoint `id` starts; called before the main thread's sources emit barrier `id`. */
  begin(id: number, options: { readonly kind: CheckpointKind; readonly dir: string }): void;
  /** Registers the receiver of acknowledgements (one listener). */
  onAck(listener: (ack: ParallelTaskAck) => void): void;
  /** Registers the receiver of declines: a task could not snapshot or write (one listener). */
  onDecline(listener: (decline: { id: number; task: string; reason: string }) => void): void;
  /** Checkpoint `id` is complete: tell the sources' splits running in workers. */
  notifyComplete(id: number): void;
  /** Checkpoint `id` was abandoned: aligners drop it, splits keep their messages unacknowledged. */
  notifyAborted(id: number): void;
}

/** A worker's (or the channel-fed sinks') acknowledgement of checkpoint `id`. */
export interface ParallelTaskAck {
  readonly id: number;
  readonly task: string;
  /** Its snapshot file; `null` for a task without state (the sinks): nothing to list in the manifest. */
  readonly handle: TaskStateHandle | null;
  /** How long the task stopped processing to capture its state. */
  readonly pauseMs: number;
}
