import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SavepointExistsError, type SavepointTaken, type SavepointTaker } from '../api/routes/savepoints.ts';
import type { Logger } from '../common/logger.ts';
import { CheckpointError } from '../engine/checkpoint/checkpoint-errors.ts';
import { CheckpointStore } from '../engine/checkpoint/checkpoint-store.ts';
import type { CompletedCheckpoint } from '../engine/checkpoint/checkpoint-types.ts';
import { openSavepoint } from '../engine/checkpoint/savepoints.ts';
import type { Clock } from '../engine/time/clock.ts';
import type { StartOptions } from './start-options.ts';

/** Where a job's checkpoints and savepoints go, and what it restores from. */
export interface JobCheckpoints {
  readonly store: CheckpointStore;
  readonly intervalMs: number;
  readonly savepointDir: string;
  /** The savepoint asked for, else the latest complete checkpoint, else nothing (a fresh start). */
  readonly restore: CompletedCheckpoint | undefined;
}

/**
 * Opens the checkpoint store under `--checkpoint-dir` and picks what the job starts from:
 * `--from-savepoint` when given (an unusable savepoint is an error: the user asked for it), else
 * the newest checkpoint that verifies (corrupt or partial ones are skipped with a warning by the
 * store), else nothing.
 */
export async function openJobCheckpoints(
  options: Pick<
    StartOptions,
    'dataDir' | 'checkpointDir' | 'checkpointIntervalMs' | 'savepointDir' | 'fromSavepoint'
  >,
  logger: Logger,
  clock: Clock,
): Promise<JobCheckpoints> {
  const dir = resolve(options.checkpointDir ?? join(options.dataDir, 'checkpoints'));
  const store = new CheckpointStore({ dir, logger, clock });
  const restore =
    options.fromSavepoint === undefined ? await store.latest() : await openSavepoint(options.fromSavepoint);
  return {
    store,
    intervalMs: options.checkpointIntervalMs ?? 5_000,
    savepointDir: resolve(options.savepointDir ?? join(options.dataDir, 'savepoints')),
    restore,
  };
}

/** What takes a savepoint into a directory: the running job. */
export interface SavepointTarget {
  triggerSavepoint(targetDir: string): Promise<CompletedCheckpoint>;
  /** Stop with savepoint: the savepoint, then the job stops with nothing committed after it. */
  stop(options: { savepoint: string }): Promise<void>;
}

/**
 * Savepoints of the running job under `savepointDir`, for `POST /api/savepoints`: a name is one path
 * segment (the route checks it), a taken name is refused, no name gets `savepoint-<time>`. With
 * `stop`, the job stops with the savepoint and `requestStop` asks the rest of Eddy to shut down.
 */
export function savepointTaker(
  job: SavepointTarget,
  savepointDir: string,
  clock: Clock,
  requestStop: (reason: string) => void,
): SavepointTaker {
  return {
    async savepoint(name?: string, options: { readonly stop?: boolean } = {}): Promise<SavepointTaken> {
      const chosen = name ?? `savepoint-${new Date(clock.now()).toISOString().replaceAll(':', '-')}`;
      const dir = join(savepointDir, chosen);
      if ((await stat(dir).catch(() => undefined)) !== undefined) throw new SavepointExistsError(chosen);
      let manifest: CompletedCheckpoint['manifest'];
      if (options.stop) {
        await job.stop({ savepoint: dir });
        ({ manifest } = await openSavepoint(dir));
        // After the answer went out: the rest of Eddy (API, broker, InfluxDB) stops as on SIGTERM.
        setImmediate(() => requestStop(`stopped with savepoint ${dir}`));
      } else {
        ({ manifest } = await job.triggerSavepoint(dir));
      }
      return {
        id: manifest.id,
        path: dir,
        bytes: manifest.totalBytes,
        keys: manifest.keys,
        durationMs: manifest.durationMs,
      };
    },
  };
}

/**
 * The client id of Eddy's persistent MQTT session: the same on every restart of one installation
 * (so the broker redelivers what it had not acknowledged), different between installations (two
 * Eddys on one broker must not take each other's session over): `eddy-<job>-<hash of the
 * checkpoint directory>`.
 */
export function sessionClientId(jobName: string, checkpoints: Pick<JobCheckpoints, 'store'>): string {
  const job = jobName.replaceAll(/[^A-Za-z0-9_-]/g, '_').slice(0, 32);
  const installation = createHash('sha256').update(checkpoints.store.dir).digest('hex').slice(0, 8);
  return `eddy-${job}-${installation}`;
}

/**
 * A restore that cannot match the job (its state changed shape, operators are gone, another
 * maxParallelism) stops the start; the message then also says how to start anyway.
 */
export function withRestoreRemedy(error: unknown, checkpoints: JobCheckpoints): unknown {
  const codes = ['EDDY_INCOMPATIBLE_STATE', 'EDDY_UNKNOWN_OPERATOR_STATE', 'EDDY_MAX_PARALLELISM_CHANGED'];
  if (!checkpoints.restore || !(error instanceof CheckpointError) || !codes.includes(error.code))
    return error;
  const remedy =
    error.code === 'EDDY_UNKNOWN_OPERATOR_STATE'
      ? ' (--allow-non-restored-state drops that state), or start this job from scratch with another --checkpoint-dir'
      : ', or start this job from scratch with another --checkpoint-dir';
  return new CheckpointError(
    error.code,
    `${error.message}. Eddy restores ${checkpoints.restore.dir} on start: run the job it was taken with${remedy} ` +
      `(or move ${checkpoints.store.dir} away)`,
    { cause: error },
  );
}
