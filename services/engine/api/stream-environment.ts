import type { Transformation } from '../graph/transformation.ts';
import { DEFAULT_MAX_PARALLELISM, validateParallelism } from '../key-groups.ts';
import type { ChannelOptions } from '../runtime/channels/channel-options.ts';
import type { RecordCodec } from '../runtime/channels/record-codec.ts';
import type { CheckpointingOptions } from '../runtime/checkpointing/job-checkpointing.ts';
import { JobExecution } from '../runtime/job-execution.ts';
import type { JobModuleRef } from '../runtime/parallel/job-module.ts';
import { standInSink, standInSource } from '../runtime/parallel/stand-ins.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import type { WatermarkStrategy } from '../time/watermark-strategy.ts';
import { DataStream } from './data-stream.ts';
import type { Sink } from './sink.ts';
import type { Source, SourceSplit, SplittableSource } from './source.ts';

export type { SourceSplit, SplittableSource } from './source.ts';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface EnvironmentOptions {
  /** Processing time (timers, watermark emission) in this thread. Default: the wall clock. */
  readonly clock?: Clock;
  /** Number of key groups: the upper bound of parallelism, fixed for a job's lifetime. Default 128. */
  readonly maxParallelism?: number;
  /**
   * Subtasks per keyed stage. Default 1: the whole job is one chain of direct calls in this thread.
   * Above 1 the keyed steps run in that many worker threads, so the job must come from a module
   * (`jobModule`, or use `runJob`): workers rebuild it from there.
   */
  readonly parallelism?: number;
  /** Where workers find this job's definition (required at parallelism > 1; `runJob` sets it). */
  readonly jobModule?: JobModuleRef;
  /** Main-thread sources a job module reaches by name with {@link StreamEnvironment.boundSource}. */
  readonly sources?: Readonly<Record<string, Source<unknown>>>;
  /** Main-thread sinks a job module reaches by name with {@link StreamEnvironment.boundSink}. */
  readonly sinks?: Readonly<Record<string, Sink<unknown>>>;
  /** Sizes of the channels between threads (parallelism > 1). */
  readonly channel?: Partial<ChannelOptions>;
  /** How often workers push their metrics to `JobExecution.metrics()`. Default 1 s. */
  readonly metricsIntervalMs?: number;
  /**
   * How long `stop()` waits for the workers to finish what is in flight before ending their threads
   * (and failing the job). Default 10 s.
   */
  readonly stopTimeoutMs?: number;
  /**
   * Checkpoints (`store`, `intervalMs` default 5 s, `restore`...): see `CheckpointingOptions`. The
   * job then has `triggerCheckpoint()`, `triggerSavepoint(dir)` and `checkpointStats()`.
   */
  readonly checkpointing?: CheckpointingOptions;
  /** @internal Set by the runtime in a worker: the subtask this copy of the plan is built for. */
  readonly subtask?: number;
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
  private readonly options: EnvironmentOptions;
  private readonly transformations: Transformation[] = [];
  private readonly codecs = new Map<number, RecordCodec<unknown>>();

  constructor(options: EnvironmentOptions = {}) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.maxParallelism = options.maxParallelism ?? DEFAULT_MAX_PARALLELISM;
    this.parallelism = options.parallelism ?? 1;
    validateParallelism(this.parallelism, this.maxParallelism);
  }

  /** A stream from `source`, with event time and watermarks from `watermarks`. */
  fromSource<T>(source: Source<T>, watermarks: WatermarkStrategy<T>, name = source.name): DataStream<T> {
    checkWatermarks(name, watermarks);
    const node = this.addTransformation({ kind: 'source', name, source, watermarks });
    return new DataStream<T>(this, node);
  }

  /**
   * A stream from a source that can be split (see {@link SplittableSource}): at parallelism P each
   * subtask (worker) reads split `index` of `P` in its own thread, with its own watermarks (a
   * task's watermark is then the minimum over the splits feeding it; see
   * `WatermarkStrategy.withIdleness`). For example a `CollectionSource`, or one MQTT client per
   * subtask on a shared subscription (`$share/eddy/sensors/+/telemetry`), each decoding its share.
   * At parallelism 1, `createSplit({ index: 0, count: 1 })` is the only split. A function making
   * the split's source is accepted too.
   *
   * @example
   * env.fromParallelSource(new CollectionSource(readings, { batchSize: 1_000 }), watermarks);
   * env.fromParallelSource(({ index, count }) => new ReplaySource(part(all, index, count)), watermarks, 'replay');
   */
  fromParallelSource<T>(
    splittable: SplittableSource<T> | ((split: SourceSplit) => Source<T>),
    watermarks: WatermarkStrategy<T>,
    name: string = typeof splittable === 'function' ? 'parallel-source' : splittable.name,
  ): DataStream<T> {
    checkWatermarks(name, watermarks);
    const createSplit =
      typeof splittable === 'function' ? splittable : (split: SourceSplit) => splittable.createSplit(split);
    const source =
      this.parallelism === 1
        ? createSplit({ index: 0, count: 1 })
        : standInSource<T>(name, 'in the subtasks');
    const node = this.addTransformation({ kind: 'source', name, source, watermarks, createSplit });
    return new DataStream<T>(this, node);
  }

  /**
   * The main-thread source bound to `name` (the `sources` option, or `runJob({ sources })`). In a
   * worker, a stand-in: the source itself runs in the main thread.
   */
  boundSource<T>(name: string): Source<T> {
    if (this.options.subtask !== undefined) return standInSource<T>(name, 'in the main thread');
    return bound(this.options.sources, name, 'source') as Source<T>;
  }

  /** The main-thread sink bound to `name` (`sinks` option, or `runJob({ sinks })`); a stand-in in a worker. */
  boundSink<T>(name: string): Sink<T> {
    if (this.options.subtask !== undefined) return standInSink<T>(name);
    return bound(this.options.sinks, name, 'sink') as Sink<T>;
  }

  /**
   * How the records of `stream` cross threads at parallelism > 1: for a keyed stream, its `keyBy`
   * exchange; for another stream, the results it sends back to main-thread sinks. Default:
   * structured clone. No effect at parallelism 1.
   *
   * @example
   * env.setRecordCodec(readings.keyBy((r) => r.device), readingCodec);
   */
  setRecordCodec<T>(stream: { readonly transformation: Transformation }, codec: RecordCodec<T>): void {
    this.codecs.set(stream.transformation.id, codec as RecordCodec<unknown>);
  }

  /** The codecs set with {@link setRecordCodec}, by node id. */
  get recordCodecs(): ReadonlyMap<number, RecordCodec<unknown>> {
    return this.codecs;
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
    if (this.options.subtask !== undefined) {
      throw new Error('a job module must not call env.start(): the runtime starts the job (see runJob)');
    }
    const { jobModule } = this.options;
    if (this.parallelism > 1 && !jobModule) {
      throw new Error(
        `parallelism ${this.parallelism} runs keyed steps in worker threads, which rebuild the job from its ` +
          'module: define the job as `export default (env, args) => { ... }` in a module and start it with ' +
          'runJob({ module, parallelism }) (runtime/parallel/run-job.ts), or use parallelism 1',
      );
    }
    const parallel =
      this.parallelism > 1 && jobModule
        ? {
            parallelism: this.parallelism,
            module: jobModule,
            codecs: this.codecs,
            ...(this.options.channel ? { channel: this.options.channel } : {}),
            ...(this.options.metricsIntervalMs ? { metricsIntervalMs: this.options.metricsIntervalMs } : {}),
            ...(this.options.stopTimeoutMs ? { closeTimeoutMs: this.options.stopTimeoutMs } : {}),
          }
        : undefined;
    const job = new JobExecution(
      name,
      this.transformations,
      { clock: this.clock, maxParallelism: this.maxParallelism },
      parallel,
      this.options.checkpointing,
    );
    await job.start();
    return job;
  }
}

function checkWatermarks<T>(name: string, watermarks: WatermarkStrategy<T>): void {
  if (!watermarks.timestampAssigner) {
    throw new Error(
      `source "${name}": the watermark strategy needs a timestamp assigner (withTimestampAssigner)`,
    );
  }
}

function bound<V>(entries: Readonly<Record<string, V>> | undefined, name: string, kind: string): V {
  const value = entries?.[name];
  if (value === undefined) {
    const known = Object.keys(entries ?? {}).join(', ') || 'none';
    throw new Error(
      `no ${kind} bound to "${name}" (bound: ${known}); pass it in runJob({ ${kind}s: { ${name}: … } })`,
    );
  }
  return value;
}
