import { access, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Logger, silentLogger } from '../../common/logger.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { CheckpointError, CorruptCheckpointError } from './checkpoint-errors.ts';
import { inspectCheckpoint } from './checkpoint-info.ts';
import {
  type CheckpointCompletion,
  type CheckpointInfo,
  type CheckpointKind,
  type CompletedCheckpoint,
  type LoadOptions,
  MANIFEST_FILE,
  type RestoredState,
} from './checkpoint-types.ts';
import { fsyncDirectory } from './durable-files.ts';
import { loadCheckpoint } from './load-checkpoint.ts';
import { buildManifest, writeManifest } from './manifest.ts';
import { writeSavepoint } from './savepoints.ts';
import { checkpointDirName, parseCheckpointDirName } from './task-snapshot-file.ts';
import { verifyCheckpoint } from './verify-checkpoint.ts';

/** Options of {@link CheckpointStore.begin}. */
export interface BeginCheckpointOptions {
  /** Default `checkpoint`. A savepoint goes to `targetDir`, keeps the same format and is never pruned. */
  readonly kind?: CheckpointKind;
  readonly targetDir?: string;
}

/** Options of {@link CheckpointStore}. */
export interface CheckpointStoreOptions {
  /** Root directory (`--checkpoint-dir`, default `./.eddy/checkpoints`); created on `begin`. */
  readonly dir: string;
  /** Complete checkpoints kept (default 3). */
  readonly retain?: number;
  readonly logger?: Logger;
  /** Stamps `createdAt`. Default the system clock. */
  readonly clock?: Clock;
}

/**
 * The durable home of checkpoints: `<dir>/chk-<id>/` holds one file per task and, written last, the
 * manifest. `begin` makes the directory, tasks write into it (`writeTaskSnapshot`), `complete`
 * writes the manifest and prunes to the newest `retain` complete checkpoints (and drops abandoned
 * incomplete ones older than the newest complete). `latest` finds what to restore: the newest
 * checkpoint that verifies, skipping corrupt or partial ones with a warning.
 *
 * @example
 * const store = new CheckpointStore({ dir: '.eddy/checkpoints', logger, clock });
 * const id = await store.nextId();
 * await store.begin(id);
 * const handles = await Promise.all(snapshots.map((s) => writeTaskSnapshot(store.dir, id, s)));
 * await store.complete({ id, durationMs: 120, job, maxParallelism: 128, parallelism: 2, tasks: handles });
 * const restored = await store.load((await store.latest())!, { keyGroupRange: { start: 0, end: 63 } });
 */
export class CheckpointStore {
  readonly dir: string;
  readonly retain: number;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private lastIssuedId = 0;
  /** Savepoints begun and not yet completed or aborted: where their files go. */
  private readonly savepoints = new Map<number, { dir: string; created: boolean }>();

  constructor(options: CheckpointStoreOptions) {
    const retain = options.retain ?? 3;
    if (!Number.isInteger(retain) || retain < 1) {
      throw new RangeError(`retain must be a whole number >= 1, got ${retain}`);
    }
    this.dir = options.dir;
    this.retain = retain;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
  }

  /** The directory of checkpoint `id`. */
  checkpointDir(id: number): string {
    return join(this.dir, checkpointDirName(id));
  }

  /** A fresh id: one more than any checkpoint on disk or issued before, so ids grow across restarts. */
  async nextId(): Promise<number> {
    const onDisk = await this.scan();
    const highest = Math.max(this.lastIssuedId, onDisk.at(-1)?.id ?? 0);
    this.lastIssuedId = highest + 1;
    return this.lastIssuedId;
  }

  /**
   * Makes the directory of checkpoint `id` (for a savepoint, `targetDir`) and returns it: tasks write
   * their files there. Refuses an id that already completed, or a directory holding a savepoint.
   */
  async begin(id: number, options: BeginCheckpointOptions = {}): Promise<string> {
    this.lastIssuedId = Math.max(this.lastIssuedId, id);
    if (options.kind === 'savepoint') return this.beginSavepoint(id, options.targetDir);
    const dir = this.checkpointDir(id);
    await mkdir(this.dir, { recursive: true });
    if (await exists(join(dir, MANIFEST_FILE))) {
      throw new CheckpointError('EDDY_CHECKPOINT_EXISTS', `checkpoint ${id} already exists in ${dir}`);
    }
    await mkdir(dir, { recursive: true });
    await fsyncDirectory(this.dir);
    return dir;
  }

  /**
   * Completes checkpoint `id`: checks every task file is there with its size, writes the manifest
   * last (atomically, fsynced), then prunes. Returns the checkpoint.
   */
  async complete(completion: CheckpointCompletion): Promise<CompletedCheckpoint> {
    const savepoint = this.savepoints.get(completion.id);
    if (savepoint) {
      const written = await writeSavepoint(savepoint.dir, completion, { clock: this.clock });
      this.savepoints.delete(completion.id);
      this.logger.info(
        { savepoint: completion.id, dir: savepoint.dir, bytes: written.manifest.totalBytes },
        `savepoint ${completion.id} written to ${savepoint.dir}`,
      );
      return written;
    }
    const dir = this.checkpointDir(completion.id);
    for (const handle of completion.tasks) {
      const size = (await stat(join(dir, handle.file)).catch(() => undefined))?.size;
      if (size !== handle.bytes) {
        throw new CheckpointError(
          'EDDY_CHECKPOINT_INCOMPLETE',
          `cannot complete checkpoint ${completion.id}: ${handle.file} is ${size === undefined ? 'missing' : `${size} bytes, not ${handle.bytes}`}`,
        );
      }
    }
    const manifest = buildManifest(completion, this.clock.now());
    await writeManifest(dir, manifest);
    this.logger.info(
      {
        checkpoint: manifest.id,
        bytes: manifest.totalBytes,
        keys: manifest.keys,
        durationMs: manifest.durationMs,
      },
      `checkpoint ${manifest.id} complete: ${manifest.tasks.length} task files, ${manifest.totalBytes} bytes, ${manifest.keys} keys, ${manifest.durationMs} ms`,
    );
    await this.prune(manifest.id);
    return { dir, manifest };
  }

  /**
   * Removes what checkpoint `id` wrote (it failed, timed out or was declined). For a savepoint, its
   * directory if `begin` created it, else only the snapshot files in it.
   */
  async abort(id: number): Promise<void> {
    const savepoint = this.savepoints.get(id);
    this.savepoints.delete(id);
    if (!savepoint) {
      await rm(this.checkpointDir(id), { recursive: true, force: true });
    } else if (savepoint.created) {
      await rm(savepoint.dir, { recursive: true, force: true });
    } else {
      for (const name of await readdir(savepoint.dir).catch(() => [])) {
        if (/\.snap(\.\d+)?$/.test(name)) await rm(join(savepoint.dir, name), { force: true });
      }
    }
  }

  /**
   * The newest complete checkpoint that verifies (every file present with its size and SHA-256, a
   * supported format), or `undefined`. Newer ones that are corrupt or partial are skipped with a
   * warning naming the checkpoint and the reason.
   */
  async latest(): Promise<CompletedCheckpoint | undefined> {
    const dirs = await this.scan();
    for (let i = dirs.length - 1; i >= 0; i--) {
      const { id, dir } = dirs[i]!;
      try {
        return await verifyCheckpoint(dir);
      } catch (error) {
        if (!(error instanceof CorruptCheckpointError)) throw error;
        this.logger.warn(
          { checkpoint: id, dir, code: error.code, reason: error.reason },
          `skipping checkpoint ${id}: ${error.reason}`,
        );
      }
    }
    return undefined;
  }

  /** Every checkpoint directory, newest first, with its status (see {@link inspectCheckpoint}). */
  async list(): Promise<CheckpointInfo[]> {
    const dirs = await this.scan();
    const infos: CheckpointInfo[] = [];
    for (const { id, dir } of dirs.reverse()) infos.push(await inspectCheckpoint(dir, id));
    return infos;
  }

  /** Reads a checkpoint's state back (see {@link loadCheckpoint}). */
  load(checkpoint: CompletedCheckpoint, options: LoadOptions = {}): Promise<RestoredState> {
    return loadCheckpoint(checkpoint, options);
  }

  private async beginSavepoint(id: number, targetDir: string | undefined): Promise<string> {
    if (targetDir === undefined) {
      throw new CheckpointError('EDDY_SAVEPOINT_NO_TARGET', `savepoint ${id} needs a target directory`);
    }
    if (await exists(join(targetDir, MANIFEST_FILE))) {
      throw new CheckpointError(
        'EDDY_SAVEPOINT_EXISTS',
        `a savepoint already exists in ${targetDir}: choose another directory (savepoints are never overwritten)`,
      );
    }
    const created = !(await exists(targetDir));
    await mkdir(targetDir, { recursive: true });
    this.savepoints.set(id, { dir: targetDir, created });
    return targetDir;
  }

  /** Keeps the newest `retain` complete checkpoints; drops incomplete ones older than `latestId`. */
  private async prune(latestId: number): Promise<void> {
    const dirs = (await this.scan()).reverse();
    let kept = 0;
    for (const { id, dir } of dirs) {
      const complete = await exists(join(dir, MANIFEST_FILE));
      if (complete && kept < this.retain) {
        kept++;
        continue;
      }
      if (!complete && id > latestId) continue; // still being written
      await rm(dir, { recursive: true, force: true });
      this.logger.debug({ checkpoint: id }, `removed ${complete ? 'old' : 'abandoned'} checkpoint ${id}`);
    }
  }

  /** Checkpoint directories under the root, oldest first. */
  private async scan(): Promise<{ id: number; dir: string }[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .map((name) => ({ id: parseCheckpointDirName(name), dir: join(this.dir, name) }))
      .filter((entry): entry is { id: number; dir: string } => entry.id !== undefined)
      .sort((a, b) => a.id - b.id);
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
