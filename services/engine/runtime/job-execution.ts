import { planChains } from '../graph/chain-planner.ts';
import type { Transformation } from '../graph/transformation.ts';
import type { Clock } from '../time/clock.ts';
import { SinkOperator } from './operators/sink-operator.ts';
import type { Output } from './output.ts';
import { type SourceMetrics, SourceTask } from './source-task.ts';
import type { OperatorContext, OperatorMetrics, StreamOperator } from './stream-operator.ts';

export type JobState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface JobMetrics {
  readonly name: string;
  readonly state: JobState;
  readonly sources: readonly SourceMetrics[];
  readonly operators: readonly OperatorMetrics[];
}

export interface StopOptions {
  /** Fire every open window before stopping (results of incomplete windows are emitted). Default false. */
  readonly drain?: boolean;
}

/**
 * A running job: opens its parts, runs until stopped, its sources end, or something fails.
 * Lifecycle: sinks and operators open downstream-first so nothing receives data before it is
 * ready; sources open last and close first; sinks flush and close last.
 */
export class JobExecution {
  private currentState: JobState = 'starting';
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  private readonly operators: StreamOperator<any, any>[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  private readonly sourceTasks: SourceTask<any>[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  private readonly wiring: Map<StreamOperator<any, any>, Output<any>>;
  private failure: unknown;
  private resolveFinished!: () => void;
  private rejectFinished!: (error: unknown) => void;
  private stopping: Promise<void> | undefined;
  /** Settles when the job has stopped: resolves on stop or end of input, rejects with the failure. */
  readonly finished: Promise<void>;

  constructor(
    readonly name: string,
    transformations: readonly Transformation[],
    private readonly context: OperatorContext & { clock: Clock },
  ) {
    this.finished = new Promise<void>((resolve, reject) => {
      this.resolveFinished = resolve;
      this.rejectFinished = reject;
    });
    this.finished.catch(() => {}); // a failure is reported through `finished` to whoever awaits it
    const plan = planChains(transformations);
    this.wiring = new Map(plan.operators.map((p) => [p.operator, p.output]));
    this.operators = plan.operators.map((p) => p.operator);
    for (const { node, output } of plan.sources) {
      this.sourceTasks.push(
        new SourceTask(
          node.source,
          node.watermarks,
          output,
          context.clock,
          (error) => void this.fail(error),
          () => this.onSourceEnded(),
        ),
      );
    }
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
      for (const operator of [...this.operators].reverse())
        await operator.open(this.context, this.wiring.get(operator)!);
      await Promise.all(this.sourceTasks.map((task) => task.open()));
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

  metrics(): JobMetrics {
    return {
      name: this.name,
      state: this.currentState,
      sources: this.sourceTasks.map((task) => task.metrics()),
      operators: this.operators.map((operator) => operator.metrics()),
    };
  }

  private sinks(): SinkOperator<unknown>[] {
    return this.operators.filter((op): op is SinkOperator<unknown> => op instanceof SinkOperator);
  }

  private onSourceEnded(): void {
    if (this.sourceTasks.every((task) => task.metrics().ended)) void this.stop();
  }

  private async shutdown(drain: boolean): Promise<void> {
    if (this.currentState === 'failed') return this.finished.catch(() => {});
    this.currentState = 'stopping';
    try {
      await Promise.all(this.sourceTasks.map((task) => task.close()));
      if (drain) for (const task of this.sourceTasks) task.drain();
      if (this.failure !== undefined) return;
      for (const operator of this.operators) await operator.close();
      this.currentState = 'stopped';
      this.resolveFinished();
    } catch (error) {
      await this.fail(error);
    }
  }

  private async fail(error: unknown): Promise<void> {
    if (this.currentState === 'failed') return;
    this.failure = error;
    this.currentState = 'failed';
    this.rejectFinished(error);
    await Promise.allSettled(this.sourceTasks.map((task) => task.close()));
    await Promise.allSettled(this.operators.map((operator) => operator.close()));
  }
}
