import type { MessagePort } from 'node:worker_threads';
import type { CheckpointKind, CompletedCheckpoint } from '../../checkpoint/checkpoint-types.ts';
import type { ChannelOptions } from '../channels/channel-options.ts';
import type { ChannelMetrics } from '../channels/exchange-output.ts';
import type { ParallelTaskAck } from '../checkpointing/parallel-checkpointing.ts';
import type { SourceMetrics } from '../source-task.ts';
import type { OperatorMetrics } from '../stream-operator.ts';
import type { JobModuleRef } from './job-module.ts';

/** What a worker is started with (`workerData`). */
export interface SubtaskWorkerData {
  readonly jobName: string;
  readonly module: JobModuleRef;
  readonly subtask: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** The main thread's plan fingerprint: the worker's own build must match it. */
  readonly fingerprint: string;
  readonly channel: ChannelOptions;
  /** This worker's end of each of its channels, by channel key. */
  readonly ports: Record<string, MessagePort>;
  readonly metricsIntervalMs: number;
  /** The checkpoint or savepoint to start from: the worker restores its own key groups before any input. */
  readonly restore?: CompletedCheckpoint;
}

/** Main thread → worker. */
export type ControlMessage =
  | { readonly type: 'start-sources' }
  | { readonly type: 'finish'; readonly drain: boolean }
  | { readonly type: 'metrics' }
  | { readonly type: 'close' }
  /** Checkpoint `id` was triggered: write into `dir`; inject barrier `id` at this worker's source splits. */
  | {
      readonly type: 'checkpoint-trigger';
      readonly id: number;
      readonly kind: CheckpointKind;
      readonly dir: string;
    }
  /** Restore the subtask's key groups and its splits' sources from `checkpoint`; answered by `restored`. */
  | { readonly type: 'restore'; readonly checkpoint: CompletedCheckpoint }
  | { readonly type: 'checkpoint-complete'; readonly id: number }
  | { readonly type: 'checkpoint-abort'; readonly id: number; readonly reason: string };

/** A subtask's checkpoint counters. */
export interface SubtaskCheckpointMetrics {
  /** Checkpoints begun and not yet acknowledged (or declined) by every task of the subtask. */
  readonly barriersInFlight: number;
  /** Per gate (task fed by an exchange): the checkpoint aligning, inputs held, alignment durations (ms). */
  readonly alignments: readonly {
    readonly task: string;
    readonly aligning: number | undefined;
    readonly blockedInputs: number;
    readonly lastAlignmentMs: number;
    readonly maxAlignmentMs: number;
    readonly aligned: number;
    readonly aborted: number;
  }[];
  /** How long the last snapshot stopped processing, and the longest so far (ms). */
  readonly lastPauseMs: number;
  readonly maxPauseMs: number;
  readonly acknowledged: number;
  readonly declined: number;
}

/** A subtask's counters, pushed periodically and on request. */
export interface SubtaskMetrics {
  readonly subtask: number;
  readonly operators: readonly OperatorMetrics[];
  /** The plan node of each entry of `operators`. */
  readonly nodes: readonly number[];
  readonly sources: readonly SourceMetrics[];
  readonly channels: readonly ChannelMetrics[];
  /** Batches received and waiting for the subtask's outputs to have room. */
  readonly queuedBatches: number;
  /** Share of the time since the worker started that its thread was busy (event-loop utilization, 0..1). */
  readonly busy: number;
  readonly checkpoints?: SubtaskCheckpointMetrics;
}

/** Worker → main thread. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'ended' }
  | { readonly type: 'metrics'; readonly metrics: SubtaskMetrics }
  | { readonly type: 'closed' }
  | { readonly type: 'restored' }
  | { readonly type: 'checkpoint-ack'; readonly ack: ParallelTaskAck }
  | {
      readonly type: 'checkpoint-decline';
      readonly id: number;
      readonly task: string;
      readonly reason: string;
    }
  | { readonly type: 'failed'; readonly name: string; readonly message: string; readonly stack: string };

/** A failure as a message (errors do not keep their class across threads). */
export function failureMessage(error: unknown): WorkerMessage {
  const failure = error instanceof Error ? error : new Error(String(error));
  return { type: 'failed', name: failure.name, message: failure.message, stack: failure.stack ?? '' };
}
