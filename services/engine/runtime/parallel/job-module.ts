import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StreamEnvironment } from '../../api/stream-environment.ts';

/**
 * A job, as code every thread can run: builds the job's plan on `env`. At parallelism > 1 the
 * main thread and every worker import the job's module and call the same definition, so they all
 * build the same plan (transformation ids are assigned in build order) and each instantiates its
 * part; user functions never cross threads. It must therefore build the same plan every time: no
 * branching on time, randomness or thread.
 *
 * Sources and sinks bound to the main thread (the embedded broker, the live feed, a test's
 * in-memory sink) are reached by name through `env.boundSource(name)` / `env.boundSink(name)`;
 * in a worker those return stand-ins that are never opened. Keep their construction cheap.
 *
 * @example
 * // jobs/my-job.ts
 * export default defineJobModule<{ windowMs: number }>((env, { windowMs }) => {
 *   env.fromSource(env.boundSource<Reading>('readings'), watermarks)
 *     .keyBy((r) => r.device)
 *     .window(TumblingEventTimeWindows.of(windowMs))
 *     .aggregate(summaryStats((r: Reading) => r.value))
 *     .sinkTo(env.boundSink('aggregates'));
 * });
 */
export type JobDefinition<A = unknown> = (env: StreamEnvironment, args: A) => void | Promise<void>;

/** Types a job definition (an identity function, for inference). */
export function defineJobModule<A = undefined>(definition: JobDefinition<A>): JobDefinition<A> {
  return definition;
}

/** Where a job's definition lives, and the arguments every thread passes it. */
export interface JobModuleRef {
  /** `file:` URL of the module. */
  readonly url: string;
  /** The export holding the {@link JobDefinition}. */
  readonly exportName: string;
  /** Passed to the definition in every thread: structured-cloneable data, not objects with behaviour. */
  readonly args: unknown;
}

/** A {@link JobModuleRef} from a URL or a file path; checks that `args` can be sent to workers. */
export function jobModuleRef(module: string | URL, exportName = 'default', args?: unknown): JobModuleRef {
  let url: string;
  if (module instanceof URL) url = module.href;
  else if (module.startsWith('file:')) url = module;
  else url = pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
  try {
    structuredClone(args);
  } catch (error) {
    throw new TypeError(
      `job module ${url}: its args must be structured-cloneable (plain data) to reach the worker threads: ` +
        `${(error as Error).message}. Pass sources and sinks by name (runJob's sources/sinks) instead`,
    );
  }
  return { url, exportName, args };
}

/** Imports the module and returns its definition; the error says what is wrong with the module. */
export async function loadJobDefinition(ref: JobModuleRef): Promise<JobDefinition> {
  let module: Record<string, unknown>;
  try {
    module = (await import(ref.url)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot import job module ${ref.url}: ${(error as Error).message}`, { cause: error });
  }
  const definition = module[ref.exportName];
  if (typeof definition !== 'function') {
    const exports = Object.keys(module).join(', ') || 'none';
    throw new TypeError(
      `job module ${ref.url} has no function export "${ref.exportName}" (exports: ${exports}); ` +
        'export the job as `export default (env, args) => { ... }` or name the export',
    );
  }
  return definition as JobDefinition;
}
