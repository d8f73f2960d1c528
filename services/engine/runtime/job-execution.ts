import type { CompletedCheckpoint } from '../checkpoint/checkpoint-types.ts';
import type { CompletedCheckpointStats } from '../checkpoint/coordinator-types.ts';
import { planChains } from '../graph/chain-planner.ts';
import { planLayout } from '../graph/placement.ts';
import type { SourceTransformation, Transformation } from '../graph/transformation.ts';
import type { Clock } from '../time/clock.ts';
import { OutputAvailability } from './channels/output-availability.ts';
import type { TaskStatusOutput } from './channels/task-outputs.ts';
import type { ChainSource } from './checkpointing/chain-checkpointer.ts';
import { createJobCheckpointing } from './checkpointing/create-job-checkpointing.ts';
import type {
  CheckpointingOptions,
  JobCheckpointing,
  JobCheckpointStats,
} from './checkpointing/job-checkpointing.ts';
import { operatorUid } from './checkpointing/operator-uid.ts';
import { DEFAULT_FINAL_CHECKPOINT_TIMEOUT_MS, type StopOptions } from './checkpointing/stop-options.ts';
import { buildJobMetrics, type JobMetrics, type JobState } from './job-metrics.ts';
import { SinkOperator } from './operators/sink-operator.ts';
import type { Downstream, Output } from './output.ts';
import type { SubtaskMetrics } from './parallel/control-messages.ts';
import { type ParallelJobConfig, ParallelRuntime } from './parallel/parallel-runtime.ts';
import { SourceTask } from './source-task.ts';
import type { OperatorContext, StreamOperator } from './stream-operator.ts';

export { DEFAULT_FINAL_CHECKPOINT_TIMEOUT_MS, type StopOptions } from './checkpointing/stop-options.ts';
export type { JobMetrics, JobState, SubtaskLoad } from './job-metrics.ts';

/**
 * A running job: opens its parts, runs until stopped, its sources end, or something fails.
 * Lifecycle: sinks and operators open downstream-first so nothing receives data before it is
 * ready; sources open last and close first; sinks flush and close last.
 *
 * At parallelism 1 the whole job is one chain of direct calls in this thread. At parallelism > 1
 * (see `parallel/`) this thread runs the sources, the steps before the first `keyBy` and the
 * sinks; the keyed steps run in one worker per subtask, connected by bounded channels.
 *
 * With `checkpointing` (see `checkpointing/`): a restore loads first, restores operators once open
 * and sources before they open; checkpoints run from just before the sources open until `stop()`.
 */
export class JobExecution {
  private currentState: JobState = 'starting';
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  private readonly operators: StreamOperator<any, any>[] = [];
  private readonly operatorNodes: number[] = [];
  private readonly operatorUids: string[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  private readonly sourceTasks: SourceTask<any>[] = [];
  private readonly chainSources: ChainSource[] = [];
  private readonly checkpointing: JobCheckpointing | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  private readonly wiring: Map<StreamOperator<any, any>, Output<any>>;
  private readonly parallel: ParallelRuntime | undefined;
  private readonly parallelism: number;
  private parallelEnded = false;
  private failure: unknown;
  private resolveFinished!: () => void;
  private rejectFinished!: (error: unknown) => void;
  private stopping: Promise<void> | undefined;
  /** Set by a stop with final checkpoint: the sources stay paused (backpressure no longer resumes them). */
  private sourcesHeld = false;
  private wakeStop: (() => void) | undefined;
  /** Settles when the job has stopped: resolves on stop or end of input, rejects with the failure. */
  readonly finished: Promise<void>;
  private readonly context: OperatorContext & { clock: Clock };

  constructor(
    readonly name: string,
    transformations: readonly Transformation[],
    context: OperatorContext & { clock: Clock },
    parallel?: ParallelJobConfig,
    checkpointing?: CheckpointingOptions,
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
      this.operatorUids = plan.operators.map((p) => operatorUid(p.node));
      for (const chain of sourceChains) {
        const task = this.sourceTask(chain.node, chain.output, chain.outputs);
        if (chain.outputs.outputs.length > 0) {
          const { source } = chain.node;
          if (typeof source.pause !== 'function' || typeof source.resume !== 'function') {
            throw new Error(
              `source "${chain.node.name}" cannot be paused (no pause()/resume()), so it cannot feed parallel ` +
                'subtasks without an unbounded queue: implement pause/resume, or run at parallelism 1',
            );
          }
        }
        // full exchanges, or a sink of the chain that is not writable (see ThreadPart)
        chain.availability.onChange((available) => {
          if (!available) task.pause();
          else if (!this.sourcesHeld) task.resume();
        });
      }
    } else {
      this.parallelEnded = true;
      const plan = planChains(transformations);
      this.wiring = new Map(plan.operators.map((p) => [p.operator, p.output]));
      this.operators = plan.operators.map((p) => p.operator);
      this.operatorNodes = plan.operators.map((p) => p.node.id);
      this.operatorUids = plan.operators.map((p) => operatorUid(p.node));
      for (const { node, output } of plan.sources) this.sourceTask(node, output);
      this.holdSourcesWhileSinksAreFull();
    }
    this.checkpointing =
      checkpointing &&
      createJobCheckpointing({
        ...context,
        name,
        parallelism: this.parallelism,
        transformations,
        sources: this.chainSources,
        operators: this.operators.map((operator, i) => ({ uid: this.operatorUids[i]!, operator })),
        parallelRuntime: this.parallel,
        options: checkpointing,
      });
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
      await this.checkpointing?.load();
      for (let i = this.operators.length - 1; i >= 0; i--) {
        const operator = this.operators[i]!;
        await operator.open({ ...this.context, uid: this.operatorUids[i]! }, this.wiring.get(operator)!);
      }
      await workersReady;
      await this.checkpointing?.restore();
      await this.checkpointing?.start(); // before the sources open: a bounded source may run to its end in open()
      await Promise.all(this.sourceTasks.map((task) => task.open()));
      this.parallel?.startSources();
    } catch (error) {
      await this.fail(error);
      throw error;
    }
    if (this.currentState === 'starting') this.currentState = 'running';
  }

  /**
   * Stops the sources, optionally drains open windows, flushes and closes every sink. Idempotent:
   * a call while stopping returns the stop in progress.
   *
   * @example
   * await job.stop({ finalCheckpoint: true }); // SIGTERM: nothing to replay after a restart
   */
  stop(options: StopOptions = {}): Promise<void> {
    if (this.stopping) return this.stopping;
    if (options.savepoint !== undefined) {
      return this.checkpoints()
        .finalSavepoint(options.savepoint)
        .then(() => this.stop({ drain: options.drain ?? false }));
    }
    const checkpointing = options.finalCheckpoint ? this.checkpointing : undefined;
    if (checkpointing && options.drain) {
      return Promise.reject(
        new Error(
          `job ${this.name}: stop with drain and finalCheckpoint together would emit the open windows twice ` +
            '(now, and again after a restore of the final checkpoint): choose one',
        ),
      );
    }
    this.stopping = checkpointing
      ? this.stopAfterFinalCheckpoint(
          checkpointing,
          options.finalCheckpointTimeoutMs ?? DEFAULT_FINAL_CHECKPOINT_TIMEOUT_MS,
        )
      : this.shutdown(options.drain ?? false);
    return this.stopping;
  }

  /** Takes a checkpoint now (or once the one in flight ends); resolves when one taken after the call completed. */
  triggerCheckpoint(): Promise<CompletedCheckpointStats> {
    return this.checkpoints().triggerCheckpoint();
  }

  /** Writes a savepoint into `targetDir` (kept, never pruned); resolves once it is durable. */
  triggerSavepoint(targetDir: string): Promise<CompletedCheckpoint> {
    return this.checkpoints().triggerSavepoint(targetDir);
  }

  /** Checkpoint counters, the last checkpoint, and its pauses; `undefined` without checkpointing. */
  checkpointStats(): JobCheckpointStats | undefined {
    return this.checkpointing?.stats();
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
    const job = { name: this.name, state: this.currentState, parallelism: this.parallelism };
    return buildJobMetrics(
      job,
      this.operators,
      this.operatorNodes,
      this.sourceTasks,
      this.parallel,
      subtasks,
    );
  }

  private checkpoints(): JobCheckpointing {
    if (!this.checkpointing)
      throw new Error(`job ${this.name} takes no checkpoints: start it with the checkpointing option`);
    return this.checkpointing;
  }

  private sourceTask(node: SourceTransformation, output: Downstream<unknown>, status?: TaskStatusOutput) {
    const task = new SourceTask<unknown>(
      node.source,
      node.watermarks,
      output,
      this.context.clock,
      (error) => void this.fail(error),
      () => this.onSourceEnded(),
      status,
    );
    this.sourceTasks.push(task);
    this.chainSources.push({ uid: operatorUid(node), task, split: { index: 0, count: 1 } });
    return task;
  }

  /**
   * Parallelism 1: while a sink is not writable (see {@link SinkOperator.availability}), every
   * source is paused (a source without pause() reads on; its sink accepts what comes).
   */
  private holdSourcesWhileSinksAreFull(): void {
    const sinksAvailable = new OutputAvailability();
    for (const sink of this.sinks()) sinksAvailable.follow(sink.availability);
    sinksAvailable.onChange((available) => {
      for (const task of this.sourceTasks) {
        if (!available) task.pause();
        else if (!this.sourcesHeld) task.resume();
      }
    });
  }

  private sinks(): SinkOperator<unknown>[] {
    return this.operators.filter((op): op is SinkOperator<unknown> => op instanceof SinkOperator);
  }

  private onSourceEnded(): void {
    if (this.parallelEnded && this.sourceTasks.every((task) => task.metrics().ended)) void this.stop();
  }

  /** Pauses the sources, takes the final checkpoint (or gives up on it, logged), then shuts down. */
  private async stopAfterFinalCheckpoint(checkpointing: JobCheckpointing, timeoutMs: number): Promise<void> {
    if (this.currentState === 'failed') return this.finished.catch(() => {});
    this.currentState = 'stopping';
    this.sourcesHeld = true;
    for (const task of this.sourceTasks) task.pause(); // a source without pause() reads on: at-least-once after the checkpoint
    await checkpointing.finalCheckpoint(timeoutMs);
    return this.shutdown(false);
  }

  private async shutdown(drain: boolean): Promise<void> {
    if (this.currentState === 'failed') return this.finished.catch(() => {});
    this.currentState = 'stopping';
    try {
      await this.checkpointing?.stop();
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
    await this.checkpointing?.stop().catch(() => {});
    await Promise.allSettled(this.sourceTasks.map((task) => task.close()));
    await this.parallel?.terminate();
    await Promise.allSettled(this.operators.map((operator) => operator.close()));
  }
}
