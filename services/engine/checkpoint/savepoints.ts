import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Clock, systemClock } from '../time/clock.ts';
import { CheckpointError, CorruptCheckpointError, NotASavepointError } from './checkpoint-errors.ts';
import { type CheckpointCompletion, type CompletedCheckpoint, MANIFEST_FILE } from './checkpoint-types.ts';
import { writeDurably } from './durable-files.ts';
import { buildManifest, readManifest, writeManifest } from './manifest.ts';
import { readVerifiedTaskFile, verifyCheckpoint } from './verify-checkpoint.ts';

/** Options of {@link writeSavepoint}. */
export interface WriteSavepointOptions {
  /**
   * Where the task files are now (e.g. the store's `chk-<id>`): they are copied into the savepoint,
   * checked against their checksums. Without it the tasks wrote straight into `targetDir`
   * (`writeEncodedSnapshot(targetDir, ...)`).
   */
  readonly sourceDir?: string;
  /** Stamps `createdAt`. Default the system clock. */
  readonly clock?: Clock;
}

/**
 * Writes a savepoint: the checkpoint format, in a directory the user chose and keeps (never pruned),
 * with `kind: 'savepoint'` in its manifest. Refuses a directory that already holds one.
 *
 * @example
 * await writeSavepoint('/backups/sp-2024-11-24', { id, durationMs, job, maxParallelism, parallelism, tasks }, {
 *   sourceDir: store.checkpointDir(id),
 * });
 */
export async function writeSavepoint(
  targetDir: string,
  completion: CheckpointCompletion,
  options: WriteSavepointOptions = {},
): Promise<CompletedCheckpoint> {
  if ((await stat(join(targetDir, MANIFEST_FILE)).catch(() => undefined)) !== undefined) {
    throw new CheckpointError(
      'EDDY_SAVEPOINT_EXISTS',
      `a savepoint already exists in ${targetDir}: choose another directory (savepoints are never overwritten)`,
    );
  }
  await mkdir(targetDir, { recursive: true });
  for (const handle of completion.tasks) {
    const target = join(targetDir, handle.file);
    if (options.sourceDir !== undefined) {
      await writeDurably(target, await readVerifiedTaskFile(options.sourceDir, handle));
    } else if ((await stat(target).catch(() => undefined))?.size !== handle.bytes) {
      throw new CheckpointError(
        'EDDY_CHECKPOINT_INCOMPLETE',
        `cannot write the savepoint: ${target} is missing or not ${handle.bytes} bytes`,
      );
    }
  }
  const manifest = buildManifest({ ...completion, kind: 'savepoint' }, (options.clock ?? systemClock).now());
  await writeManifest(targetDir, manifest);
  return { dir: targetDir, manifest };
}

/**
 * Opens a savepoint for a restore: `path` is its directory or its `_manifest.json`. Verifies it
 * completely (as `latest()` does for checkpoints; a retained checkpoint directory is accepted too).
 * Throws {@link NotASavepointError} (`not a savepoint: ...`) or {@link CorruptCheckpointError}
 * (`savepoint ... cannot be used: checksum mismatch in ...`, `format version 7 is newer than this Eddy (1)`).
 *
 * @example
 * const savepoint = await openSavepoint('/backups/sp-2024-11-24');
 * const state = await loadCheckpoint(savepoint, { keyGroupRange });
 */
export async function openSavepoint(path: string): Promise<CompletedCheckpoint> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new NotASavepointError(path, 'no such file or directory');
  let dir = path;
  if (!info.isDirectory()) {
    if (basename(path) !== MANIFEST_FILE) {
      throw new NotASavepointError(path, `expected a savepoint directory or its ${MANIFEST_FILE}`);
    }
    dir = dirname(path);
  }
  try {
    const manifest = await readManifest(dir);
    if (manifest === undefined) throw new NotASavepointError(path, `no ${MANIFEST_FILE} in ${dir}`);
    return await verifyCheckpoint(dir);
  } catch (error) {
    if (!(error instanceof CorruptCheckpointError)) throw error;
    if (error.reason.startsWith(MANIFEST_FILE)) throw new NotASavepointError(path, error.reason);
    throw new CorruptCheckpointError(dir, error.reason, {
      code: error.code,
      cause: error,
      what: 'savepoint',
    });
  }
}
