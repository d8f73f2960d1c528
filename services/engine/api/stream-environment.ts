import type { Transformation } from '../graph/transformation.ts';
import { DEFAULT_MAX_PARALLELISM, validateParallelism } from '../key-groups.ts';
import { JobExecution } from '../runtime/job-execution.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import type { WatermarkStrategy } from '../time/watermark-strategy.ts';
import { DataStream } from './data-stream.ts';
import type { Source } from './source.ts';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface EnvironmentOptions {
  /** Processing time (timers, watermark emission). Default: the wall clock. */
  readonly clock?: Clock;
  /** Number of key groups: the upper bound of parallelism, fixed for a job's lifetime. Default 128. */
  readonly maxParallelism?: number;
  /** Subtasks per keyed stage. Only 1 is supported by this runtime so far. */
  readonly parallelism?: number;
}

/**
 * Builds a job: sources, the steps between them and sinks. `start` plans and runs it.
 *
 * @example
 * const env = new StreamEnvironment({ clock: new ManualClock() });
 * env.fromSource(source, WatermarkStrategy.forBoundedOutOfOrderness<Reading>(2_000).withTimestampAssigner((r) => r.ts))
 *   .keyBy((r) => r.device)
 *   .window(TumblingEventTimeWindows.of(10_000))
 *   .aggregate(summaryStats((r) => r.value))
 *   .sinkTo(sink);
 * const job = await env.start('example');
 * await job.finished;
 */
export class StreamEnvironment {
  readonly clock: Clock;
  readonly maxParallelism: number;
  readonly parallelism: number;
  private readonly transformations: Transformation[] = [];

  constructor(options: EnvironmentOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.maxParallelism = options.maxParallelism ?? DEFAULT_MAX_PARALLELISM;
    this.parallelism = options.parallelism ?? 1;
    validateParallelism(this.parallelism, this.maxParallelism);
    if (this.parallelism !== 1) {
      throw new RangeError('parallelism > 1 is not supported yet by this runtime: use parallelism 1');
    }
  }

  /** A stream from `source`, with event time and watermarks from `watermarks`. */
  fromSource<T>(source: Source<T>, watermarks: WatermarkStrategy<T>, name = source.name): DataStream<T> {
    if (!watermarks.timestampAssigner) {
      throw new Error(
        `source "${name}": the watermark strategy needs a timestamp assigner (withTimestampAssigner)`,
      );
    }
    const node = this.addTransformation({ kind: 'source', name, source, watermarks });
    return new DataStream<T>(this, node);
  }

  /** @internal Used by the stream builders. */
  addTransformation<N extends Transformation = Transformation>(node: WithoutId<N>): N {
    const withId = { ...node, id: this.transformations.length } as unknown as N;
    this.transformations.push(withId);
    return withId;
  }

  /** The logical plan built so far. */
  get plan(): readonly Transformation[] {
    return this.transformations;
  }

  /** Plans the job, opens sinks, operators and sources (in that order), and returns the running job. */
  async start(name: string): Promise<JobExecution> {
    const job = new JobExecution(name, this.transformations, {
      clock: this.clock,
      maxParallelism: this.maxParallelism,
    });
    await job.start();
    return job;
  }
}
