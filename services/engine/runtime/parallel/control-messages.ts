import type { MessagePort } from 'node:worker_threads';
import type { ChannelOptions } from '../channels/channel-options.ts';
import type { ChannelMetrics } from '../channels/exchange-output.ts';
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
}

/** Main thread → worker. */
export type ControlMessage =
  | { readonly type: 'start-sources' }
  | { readonly type: 'finish'; readonly drain: boolean }
  | { readonly type: 'metrics' }
  | { readonly type: 'close' };

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
}

/** Worker → main thread. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'ended' }
  | { readonly type: 'metrics'; readonly metrics: SubtaskMetrics }
  | { readonly type: 'closed' }
  | { readonly type: 'failed'; readonly name: string; readonly message: string; readonly stack: string };

/** A failure as a message (errors do not keep their class across threads). */
export function failureMessage(error: unknown): WorkerMessage {
  const failure = error instanceof Error ? error : new Error(String(error));
  return { type: 'failed', name: failure.name, message: failure.message, stack: failure.stack ?? '' };
}
