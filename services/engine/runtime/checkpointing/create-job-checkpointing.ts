import type { Transformation } from '../../graph/transformation.ts';
import type { Clock } from '../../time/clock.ts';
import { ChainCheckpointer, type ChainOperator, type ChainSource } from './chain-checkpointer.ts';
import { type CheckpointingOptions, JobCheckpointing } from './job-checkpointing.ts';
import { planFingerprint, planUids } from './operator-uid.ts';
import { parallelCheckpointingOf } from './parallel-checkpointing.ts';

/** What `JobExecution` hands over to set up checkpoints. */
export interface JobCheckpointingSetup {
  readonly name: string;
  readonly clock: Clock;
  readonly maxParallelism: number;
  readonly parallelism: number;
  readonly transformations: readonly Transformation[];
  /** The main thread's sources and operators (the whole job at parallelism 1). */
  readonly sources: readonly ChainSource[];
  readonly operators: readonly ChainOperator[];
  /** The parallel runtime, when keyed steps run in workers: it must offer `checkpointing`. */
  readonly parallelRuntime?: object | undefined;
  readonly options: CheckpointingOptions;
}

/**
 * Wires a job's checkpoints: the main thread's chain is task `main#0` (owning every key group at
 * parallelism 1, none above, where keyed steps run in workers), the workers' tasks come from the
 * parallel runtime, and every source may ask for a checkpoint (`SourceContext.requestCheckpoint`).
 */
export function createJobCheckpointing(setup: JobCheckpointingSetup): JobCheckpointing {
  const parallel = setup.parallelRuntime ? parallelCheckpointingOf(setup.parallelRuntime) : undefined;
  const logger = setup.options.logger ?? { debug() {}, info() {}, warn() {}, error() {} };
  const chain = new ChainCheckpointer({
    task: 'main',
    subtask: 0,
    keyGroupRange: parallel ? null : { start: 0, end: setup.maxParallelism - 1 },
    sources: setup.sources,
    operators: setup.operators,
    logger,
  });
  const uids = planUids(setup.transformations);
  const checkpointing = new JobCheckpointing(
    {
      name: setup.name,
      clock: setup.clock,
      maxParallelism: setup.maxParallelism,
      parallelism: setup.parallelism,
      uids,
      fingerprint: planFingerprint(uids),
    },
    chain,
    parallel,
    setup.options,
  );
  for (const { task } of setup.sources) task.requestCheckpoint = () => checkpointing.requestCheckpoint();
  return checkpointing;
}
