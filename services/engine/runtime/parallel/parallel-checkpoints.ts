import type { CompletedCheckpoint } from '../../checkpoint/checkpoint-types.ts';
import type { TriggerOptions } from '../../checkpoint/coordinator-types.ts';
import type { ParallelLayout } from '../../graph/placement.ts';
import type { SourceTransformation, Transformation } from '../../graph/transformation.ts';
import type {
  ParallelCheckpointing,
  ParallelTaskAck,
  ParallelTaskDecline,
} from '../checkpointing/parallel-checkpointing.ts';
import type { ControlMessage } from './control-messages.ts';
import { gateTaskName, sourceTaskName } from './part-tasks.ts';
import type { SinkCheckpoints } from './sink-checkpoints.ts';
import type { ThreadPart } from './thread-part.ts';

/** How {@link ParallelCheckpoints} reaches the workers. */
export interface WorkerControl {
  /** Sends `message` to every worker. */
  broadcast(message: ControlMessage): void;
  /** Every worker restores `checkpoint`; resolves once all did, rejects with the first failure. */
  restore(checkpoint: CompletedCheckpoint): Promise<void>;
}

/**
 * The main thread's end of checkpoints at parallelism > 1 ({@link ParallelCheckpointing}): injects
 * the barrier into the exchanges leaving the main thread, tells the workers (control messages)
 * that a checkpoint was triggered, completed or aborted, and relays their acknowledgements and those
 * of the main thread's channel-fed sinks to the job.
 *
 * Tasks: in each subtask `i`, one per exchange feeding the subtasks (`<exchange>@<id>#i`) and one
 * per parallel source (`<source>@<id>#i`); and `main-sinks#0` when sinks are fed by the subtasks
 * (they flush once the barrier is aligned over the subtasks' channels, after the main chain's
 * `main#0` acknowledged).
 */
export class ParallelCheckpoints implements ParallelCheckpointing {
  private readonly taskIds: readonly string[];
  private ackListener: ((ack: ParallelTaskAck) => void) | undefined;
  private declineListener: ((decline: ParallelTaskDecline) => void) | undefined;

  constructor(
    transformations: readonly Transformation[],
    layout: ParallelLayout,
    private readonly main: ThreadPart,
    private readonly sinks: SinkCheckpoints,
    private readonly workers: WorkerControl,
  ) {
    const names = [
      ...transformations
        .filter((n): n is SourceTransformation => n.kind === 'source' && layout.placement(n) === 'subtasks')
        .map(sourceTaskName),
      ...layout.exchanges.filter((e) => e.to === 'subtasks').map(gateTaskName),
    ];
    const ids: string[] = [];
    for (let subtask = 0; subtask < layout.parallelism; subtask++)
      for (const name of names) ids.push(`${name}#${subtask}`);
    if (sinks.taskId) ids.push(sinks.taskId);
    this.taskIds = ids;
  }

  tasks(): readonly string[] {
    return this.taskIds;
  }

  trigger(id: number, options: TriggerOptions & { readonly dir: string }): void {
    // Every exchange leaving the main thread, whatever lies between it and its source (a repeat of
    // the source's own barrier is dropped by the channel).
    for (const chain of this.main.sourceChains) chain.outputs.emitBarrier(id);
    this.workers.broadcast({ type: 'checkpoint-trigger', id, kind: options.kind, dir: options.dir });
    this.sinks.trigger(id, options.dir);
  }

  onAck(listener: (ack: ParallelTaskAck) => void): void {
    this.ackListener = listener;
  }

  onDecline(listener: (decline: ParallelTaskDecline) => void): void {
    this.declineListener = listener;
  }

  notifyComplete(id: number): void {
    this.sinks.complete(id);
    this.workers.broadcast({ type: 'checkpoint-complete', id });
  }

  notifyAborted(id: number, reason: string): void {
    this.sinks.abort(id, reason);
    this.workers.broadcast({ type: 'checkpoint-abort', id, reason });
  }

  restore(checkpoint: CompletedCheckpoint): Promise<void> {
    return this.workers.restore(checkpoint);
  }

  /** An acknowledgement from a worker or from the channel-fed sinks. */
  acknowledged(ack: ParallelTaskAck): void {
    this.ackListener?.(ack);
  }

  /** A decline from a worker or from the channel-fed sinks. */
  declined(decline: ParallelTaskDecline): void {
    this.declineListener?.(decline);
  }
}
