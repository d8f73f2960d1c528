import type { Sink } from '../../api/sink.ts';
import type { Source } from '../../api/source.ts';
import { StreamEnvironment } from '../../api/stream-environment.ts';
import type { Clock } from '../../time/clock.ts';
import type { ChannelOptions } from '../channels/channel-options.ts';
import type { CheckpointingOptions } from '../checkpointing/job-checkpointing.ts';
import type { JobExecution } from '../job-execution.ts';
import { jobModuleRef, loadJobDefinition } from './job-module.ts';

export interface RunJobOptions<A> {
  /** Job name (metrics, logs, worker thread names). */
  readonly name: string;
  /** The job's module: a `file:` URL (`new URL('./job.ts', import.meta.url)`) or a path. */
  readonly module: string | URL;
  /** The export holding the job definition. Default `default`. */
  readonly exportName?: string;
  /** Passed to the definition in every thread: plain, structured-cloneable data. */
  readonly args?: A;
  /** Subtasks per keyed stage (worker threads). Default 1: everything in this thread, no worker. */
  readonly parallelism?: number;
  readonly maxParallelism?: number;
  /** Processing time of the main thread (sources' watermark timers, idleness). Workers use the wall clock. */
  readonly clock?: Clock;
  /** Main-thread sources, reached in the definition with `env.boundSource(name)`. */
  readonly sources?: Readonly<Record<string, Source<unknown>>>;
  /** Main-thread sinks, reached with `env.boundSink(name)`. */
  readonly sinks?: Readonly<Record<string, Sink<unknown>>>;
  readonly channel?: Partial<ChannelOptions>;
  readonly metricsIntervalMs?: number;
  /** How long `stop()` waits for the workers to finish what is in flight. Default 10 s. */
  readonly stopTimeoutMs?: number;
  /** Checkpoints: where, how often, what to restore (see `CheckpointingOptions`). */
  readonly checkpointing?: CheckpointingOptions;
}

/**
 * Runs a job defined in a module (see `job-module.ts`) at any parallelism: imports the module,
 * builds the job in this thread with the bound sources and sinks, and starts it; at parallelism
 * > 1 each worker imports the same module and builds its part.
 *
 * @example
 * const job = await runJob({
 *   name: 'window-aggregates',
 *   module: new URL('../jobs/window-job.ts', import.meta.url),
 *   args: { windowMs: 10_000 },
 *   parallelism: 2,
 *   sources: { readings: brokerSource },
 *   sinks: { aggregates: influxSink },
 * });
 * await job.stop();
 */
export async function runJob<A>(options: RunJobOptions<A>): Promise<JobExecution> {
  const module = jobModuleRef(options.module, options.exportName, options.args);
  const define = await loadJobDefinition(module);
  const env = new StreamEnvironment({
    jobModule: module,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.parallelism ? { parallelism: options.parallelism } : {}),
    ...(options.maxParallelism ? { maxParallelism: options.maxParallelism } : {}),
    ...(options.sources ? { sources: options.sources } : {}),
    ...(options.sinks ? { sinks: options.sinks } : {}),
    ...(options.channel ? { channel: options.channel } : {}),
    ...(options.metricsIntervalMs ? { metricsIntervalMs: options.metricsIntervalMs } : {}),
    ...(options.stopTimeoutMs ? { stopTimeoutMs: options.stopTimeoutMs } : {}),
    ...(options.checkpointing ? { checkpointing: options.checkpointing } : {}),
  });
  await define(env, module.args);
  return env.start(options.name);
}
