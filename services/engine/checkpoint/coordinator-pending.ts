import type { Cancel } from '../time/clock.ts';
import type { CheckpointKind, CompletedCheckpoint, TaskStateHandle } from './checkpoint-types.ts';
import type { Acknowledgement, CompletedCheckpointStats } from './coordinator-types.ts';

/** A checkpoint asked for and not started yet (a savepoint or requested checkpoint waiting for the one in flight). */
export interface CheckpointRequest {
  readonly kind: CheckpointKind;
  readonly targetDir?: string;
  /** Settle the caller's promise (savepoints, requested checkpoints); periodic checkpoints have none. */
  readonly resolve?: (completed: CompletedCheckpoint) => void;
  readonly reject?: (error: unknown) => void;
  /** The caller's promise, shared by later requests that join this one while it waits. */
  readonly completion?: Promise<CompletedCheckpoint>;
}

/** A request whose caller awaits `completion` (settled by `resolve` / `reject`). */
export function deferredRequest(kind: CheckpointKind, targetDir?: string): CheckpointRequest {
  let resolve!: (completed: CompletedCheckpoint) => void;
  let reject!: (error: unknown) => void;
  const completion = new Promise<CompletedCheckpoint>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { kind, ...(targetDir === undefined ? {} : { targetDir }), resolve, reject, completion };
}

/**
 * The checkpoint in flight, from trigger to complete or aborted: which tasks acknowledged, with
 * their handles and pauses. `finalizing` is set once every task did and the store is writing the
 * manifest (it can no longer be aborted); `done` once it completed or was aborted.
 *
 * @example
 * const pending = new PendingCheckpoint(7, { kind: 'checkpoint' }, clock.now(), new Set(['window#0']));
 * pending.acknowledge('window#0', handle, 4); // 'complete'
 */
export class PendingCheckpoint {
  private readonly acks = new Map<string, Acknowledgement>();
  cancelTimeout: Cancel = () => {};
  finalizing: Promise<void> | undefined;
  done = false;

  constructor(
    readonly id: number,
    readonly request: CheckpointRequest,
    readonly triggeredAt: number,
    private readonly expected: ReadonlySet<string>,
  ) {}

  get kind(): CheckpointKind {
    return this.request.kind;
  }

  /** Still takes acknowledgements and declines. */
  get open(): boolean {
    return !this.done && this.finalizing === undefined;
  }

  /** Records task `taskId`'s acknowledgement: `complete` if it was the last one missing. */
  acknowledge(taskId: string, handle: TaskStateHandle, pauseMs: number): 'repeat' | 'waiting' | 'complete' {
    if (this.acks.has(taskId)) return 'repeat';
    this.acks.set(taskId, { handle, pauseMs });
    return this.acks.size === this.expected.size ? 'complete' : 'waiting';
  }

  /** The acknowledged tasks' handles, in acknowledgement order. */
  handles(): TaskStateHandle[] {
    return [...this.acks.values()].map((ack) => ack.handle);
  }

  /** The tasks not acknowledged yet, for a log line (the first five, then how many more). */
  missing(): string {
    const missing = [...this.expected].filter((task) => !this.acks.has(task));
    const shown = missing.slice(0, 5).join(', ');
    return missing.length > 5 ? `${shown} and ${missing.length - 5} more` : shown;
  }

  /** Size, keys and the longest task pause of the acknowledged snapshots. */
  stats(durationMs: number): CompletedCheckpointStats {
    let longestPauseMs = 0;
    let longestPauseTask: string | undefined;
    let bytes = 0;
    let keys = 0;
    for (const [task, { handle, pauseMs }] of this.acks) {
      bytes += handle.bytes;
      keys += handle.keys;
      if (longestPauseTask !== undefined && pauseMs <= longestPauseMs) continue;
      longestPauseMs = pauseMs;
      longestPauseTask = task;
    }
    return { id: this.id, kind: this.kind, durationMs, bytes, keys, longestPauseMs, longestPauseTask };
  }
}
