import type { ChannelMetrics } from './channels/exchange-output.ts';
import type { SubtaskCheckpointMetrics, SubtaskMetrics } from './parallel/control-messages.ts';
import { mergeOperatorMetrics } from './parallel/merge-metrics.ts';
import type { ParallelRuntime } from './parallel/parallel-runtime.ts';
import type { SourceMetrics, SourceTask } from './source-task.ts';
import type { OperatorMetrics, StreamOperator } from './stream-operator.ts';

export type JobState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface JobMetrics {
  readonly name: string;
  readonly state: JobState;
  /** Subtasks per keyed stage (always set by `JobExecution`; optional for hand-made metrics). */
  readonly parallelism?: number;
  /** Main-thread sources, then parallel sources' splits (with `subtask`). */
  readonly sources: readonly SourceMetrics[];
  /** One entry per operator, in plan order; a keyed operator's counters are summed over its subtasks. */
  readonly operators: readonly OperatorMetrics[];
  /**
   * Every channel between threads and how full it is (`fill` = batches in flight / capacity); the
   * workers' channels as last pushed. Empty at parallelism 1 (always set by `JobExecution`).
   */
  readonly channels?: readonly ChannelMetrics[];
  /** Per worker (parallelism > 1), as last pushed: how busy its thread is, how many batches wait. */
  readonly subtasks?: readonly SubtaskLoad[];
}

/** How loaded a subtask's worker thread is. */
export interface SubtaskLoad {
  readonly subtask: number;
  /** Share of the time the thread was busy since it started (event-loop utilization, 0..1). */
  readonly busy: number;
  /** Batches received and waiting for the subtask's outputs to have room (backpressure). */
  readonly queuedBatches: number;
  /** Its checkpoint counters (barriers in flight, alignment per gate, acks), when the job checkpoints. */
  readonly checkpoints?: SubtaskCheckpointMetrics;
}

/**
 * A job's metrics from its parts: main-thread sources and operators now, the workers' as
 * `subtasks` report them (a keyed operator's counters summed over its subtasks).
 */
export function buildJobMetrics(
  job: { readonly name: string; readonly state: JobState; readonly parallelism: number },
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  operators: readonly StreamOperator<any, any>[],
  operatorNodes: readonly number[],
  sourceTasks: readonly SourceTask<unknown>[],
  parallel: ParallelRuntime | undefined,
  subtasks: readonly SubtaskMetrics[],
): JobMetrics {
  const main = operators.map((operator) => operator.metrics());
  return {
    name: job.name,
    state: job.state,
    parallelism: job.parallelism,
    sources: [...sourceTasks.map((task) => task.metrics()), ...subtasks.flatMap((s) => s.sources)],
    operators: parallel
      ? mergeOperatorMetrics(
          main.map((metrics, i) => ({ node: operatorNodes[i]!, metrics })),
          subtasks,
        )
      : main,
    channels: parallel?.channelMetrics(subtasks) ?? [],
    subtasks: subtasks.map(({ subtask, busy, queuedBatches, checkpoints }) => ({
      subtask,
      busy,
      queuedBatches,
      ...(checkpoints ? { checkpoints } : {}),
    })),
  };
}
