import type { Source } from '../api/source.ts';
import { planChains } from '../graph/chain-planner.ts';
import { planLayout } from '../graph/placement.ts';
import type { Transformation } from '../graph/transformation.ts';
import type { Clock } from '../time/clock.ts';
import type { WatermarkStrategy } from '../time/watermark-strategy.ts';
import type { ChannelMetrics } from './channels/exchange-output.ts';
import type { TaskStatusOutput } from './channels/task-outputs.ts';
import { SinkOperator } from './operators/sink-operator.ts';
import type { Downstream, Output } from './output.ts';
import type { SubtaskMetrics } from './parallel/control-messages.ts';
import { mergeOperatorMetrics } from './parallel/merge-metrics.ts';
import { type ParallelJobConfig, ParallelRuntime } from './parallel/parallel-runtime.ts';
import { type SourceMetrics, SourceTask } from './source-task.ts';
import type { OperatorContext, OperatorMetrics, StreamOperator } from './stream-operator.ts';

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
}

export interface StopOptions {
  /** Fire every open window before stopping (results of incomplete windows are emitted). Default false. */
  readonly drain?: boolean;
}

/**
 * A running job: opens its parts, runs until stopped, its sources end, or something fails.
 * Lifecycle: sinks and operators open downstream-first so nothing receives data before it is
 * ready; sources open last and close first; sinks flush and close last.
 *
 * At parallelism 1 the whole job is one chain of direct calls in this thread. At parallelism > 1
 * (see `parallel/`) this thread runs the sources, the steps before the first `keyBy` and the
 * sinks; the keyed steps run in one worker per subtask, connected by bounded channels.
 */
export class JobExecution {
  private currentState: JobState = 'starting';
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  private readonly operators: StreamOperator<any, any>[] = [];
  private readonly operatorNodes: number[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  private readonly sourceTasks: SourceTask<any>[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  private readonly wiring: Map<StreamOperator<any, any>, Output<any>>;
  private readonly parallel: ParallelRuntime | undefined;
  private readonly parallelism: number;
  private parallelEnded = false;
  private failure: unknown;
  private resolveFinished!: () => void;
  private rejectFinished!: (error: unknown) => void;
  private stopping: Promise<void> | undefined;
  private wakeStop: (() => void) | undefined;
  /** Settles when the job has stopped: resolves on stop or end of input, rejects with the failure. */
  readonly finished: Promise<void>;
  private readonly context: OperatorContext & { clock: Clock };

  constructor(
    readonly name: string,
    transformations: readonly Transformation[],
    context: OperatorContext & { clock: Clock },
    parallel?: ParallelJobConfig,
  ) {
    this.context = { ...context, fail: (error) => void this.fail(error) };
    this.finished = new Promise<void>((resolve, reject) => {
      this.resolveFinished = resolve;
      this.rejectFinished = reject;
    });
    this.finished.catch(() => {}); // a failure is reported through `finished` to whoever awaits it
    this.parallelism = parallel?.parallelism ?? 1;
    const layout = this.parallelism > 1 ? planLayout(transformations, this.parallelism) : undefined;
    if (parallel && layout && layout.exchanges.length > 0) {
      this.parallel = new ParallelRuntime(name, transformations, layout, context.maxParallelism, parallel, {
        onFailure: (error) => void this.fail(error),
        onEnded: () => {
          this.parallelEnded = true;
          this.wakeStop?.();
          this.onSourceEnded();
        },
      });
      const { plan, sourceChains } = this.parallel.part;
      this.wiring = new Map(plan.operators.map((p) => [p.operator, p.output]));
      this.operators = plan.operators.map((p) => p.operator);
      this.operatorNodes = plan.operators.map((p) => p.node.id);
      for (const chain of sourceChains) {
        const task = this.sourceTask(chain.node.source, chain.node.watermarks, chain.output, chain.outputs);
        if (chain.outputs.outputs.length > 0) {
          const { source } = chain.node;
          if (typeof source.pause !== 'function' || typeof source.resume !== 'function') {
            throw new Error(
              `source "${chain.node.name}" cannot be paused (no pause()/resume()), so it cannot feed parallel ` +
                'subtasks without an unbounded queue: implement pause/resume, or run at parallelism 1',
            );
          }
          chain.availability.onChange((available) => (available ? task.resume() : task.pause()));
        }
      }
      return;
    }
    this.parallelEnded = true;
    const plan = planChains(transformations);
    this.wiring = new Map(plan.operators.map((p) => [p.operator, p.output]));
    this.operators = plan.operators.map((p) => p.operator);
    this.operatorNodes = plan.operators.map((p) => p.node.id);
    for (const { node, output } of plan.sources) this.sourceTask(node.source, node.watermarks, output);
  }

  get state(): JobState {
    return this.currentState;
  }

  /** Why the job failed, when it did. */
  get error(): unknown {
    return this.failure;
  }

  async start(): Promise<void> {
    try {
      const workersReady = this.parallel?.startWorkers();
      workersReady?.catch(() => {}); // awaited below; a failure before that is reported there
      for (const operator of [...this.operators].reverse())
        await operator.open(this.context, this.wiring.get(operator)!);
      await workersReady;
      await Promise.all(this.sourceTasks.map((task) => task.open()));
      this.parallel?.startSources();
    } catch (error) {
      await this.fail(error);
      throw error;
    }
    if (this.currentState === 'starting') this.currentState = 'running';
  }

  /** Stops the sources, optionally drains open windows, flushes and closes every sink. Idempotent. */
  stop(options: StopOptions = {}): Promise<void> {
    this.stopping ??= this.shutdown(options.drain ?? false);
    return this.stopping;
  }

  /** Makes everything written to the sinks so far durable. */
  async flush(): Promise<void> {
    await Promise.all(this.sinks().map((sink) => sink.sink.flush()));
  }

  /** Counters now; at parallelism > 1 the workers' part is as they last pushed it (every second). */
  metrics(): JobMetrics {
    return this.buildMetrics(this.parallel?.subtaskMetrics() ?? []);
  }

  /** Like {@link metrics}, after asking every worker for its counters now. */
  async refreshMetrics(): Promise<JobMetrics> {
    return this.buildMetrics((await this.parallel?.refreshSubtaskMetrics()) ?? []);
  }

  private buildMetrics(subtasks: readonly SubtaskMetrics[]): JobMetrics {
    const main = this.operators.map((operator) => operator.metrics());
    return {
      name: this.name,
      state: this.currentState,
      parallelism: this.parallelism,
      sources: [...this.sourceTasks.map((task) => task.metrics()), ...subtasks.flatMap((s) => s.sources)],
      operators: this.parallel
        ? mergeOperatorMetrics(
            main.map((metrics, i) => ({ node: this.operatorNodes[i]!, metrics })),
            subtasks,
          )
        : main,
      channels: this.parallel?.channelMetrics(subtasks) ?? [],
      subtasks: subtasks.map(({ subtask, busy, queuedBatches }) => ({ subtask, busy, queuedBatches })),
    };
  }

  private sourceTask(
    source: Source<unknown>,
    watermarks: WatermarkStrategy<unknown>,
    output: Downstream<unknown>,
    status?: TaskStatusOutput,
  ): SourceTask<unknown> {
    const task = new SourceTask(
      source,
      watermarks,
      output,
      this.context.clock,
      (error) => void this.fail(error),
      () => this.onSourceEnded(),
      status,
    );
    this.sourceTasks.push(task);
    return task;
  }

  private sinks(): SinkOperator<unknown>[] {
    return this.operators.filter((op): op is SinkOperator<unknown> => op instanceof SinkOperator);
  }

  private onSourceEnded(): void {
    if (this.parallelEnded && this.sourceTasks.every((task) => task.metrics().ended)) void this.stop();
  }

  private async shutdown(drain: boolean): Promise<void> {
    if (this.currentState === 'failed') return this.finished.catch(() => {});
    this.currentState = 'stopping';
    try {
      await Promise.all(this.sourceTasks.map((task) => task.close()));
      if (this.parallel) {
        // End every exchange in band; the subtasks finish what is in flight, their results reach the sinks.
        for (const task of this.sourceTasks) task.finish(drain);
        this.parallel.finishSources(drain);
        if (!this.parallelEnded) await this.parallelEnd(this.parallel.closeTimeoutMs);
      } else if (drain) {
        for (const task of this.sourceTasks) task.drain();
      }
      if (this.failure !== undefined) return;
      for (const operator of this.operators) await operator.close();
      await this.parallel?.close();
      this.currentState = 'stopped';
      this.resolveFinished();
    } catch (error) {
      await this.fail(error);
    }
  }

  /** Waits for every subtask to end; a subtask stuck past `timeoutMs` fails the job (its thread is ended). */
  private async parallelEnd(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((wake) => {
      this.wakeStop = wake;
      timer = setTimeout(() => {
        void this.fail(
          new Error(
            `job ${this.name}: the subtasks did not finish what was in flight within ${timeoutMs} ms of stop(); ` +
              'their threads were ended (a user function may be stuck in a loop)',
          ),
        );
      }, timeoutMs);
    });
    clearTimeout(timer);
  }

  private async fail(error: unknown): Promise<void> {
    if (this.currentState === 'failed' || this.currentState === 'stopped') return;
    this.failure = error;
    this.currentState = 'failed';
    this.rejectFinished(error);
    this.wakeStop?.();
    await Promise.allSettled(this.sourceTasks.map((task) => task.close()));
    await this.parallel?.terminate();
    await Promise.allSettled(this.operators.map((operator) => operator.close()));
  }
}
