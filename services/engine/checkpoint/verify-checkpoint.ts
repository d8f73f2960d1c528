import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, CorruptCheckpointError } from './checkpoint-errors.ts';
import { type CompletedCheckpoint, MANIFEST_FILE, type TaskStateHandle } from './checkpoint-types.ts';
import { sha256Hex } from './durable-files.ts';
import { readManifest } from './manifest.ts';
import { readSnapshotHeader } from './snapshot-codec.ts';

/**
 * Checks a checkpoint or savepoint directory before anything is loaded from it: the manifest is
 * present and valid, and every task file it lists is present with the listed size and SHA-256 and
 * a supported header. Throws a {@link CorruptCheckpointError} whose `reason` says what is wrong
 * (code `EDDY_CHECKPOINT_INCOMPLETE` when there is no manifest).
 *
 * @example
 * const { manifest } = await verifyCheckpoint('.eddy/checkpoints/chk-12');
 * // or: CorruptCheckpointError: checkpoint .eddy/checkpoints/chk-12 cannot be used: checksum mismatch in window-agg.0.snap
 */
export async function verifyCheckpoint(dir: string): Promise<CompletedCheckpoint> {
  const manifest = await readManifest(dir);
  if (manifest === undefined) {
    throw new CorruptCheckpointError(dir, `incomplete: no ${MANIFEST_FILE} (it stopped before completing)`, {
      code: 'EDDY_CHECKPOINT_INCOMPLETE',
    });
  }
  for (const handle of manifest.tasks) await readVerifiedTaskFile(dir, handle);
  return { dir, manifest };
}

/** Reads one task file and checks it against its handle; returns its bytes. */
export async function readVerifiedTaskFile(dir: string, handle: TaskStateHandle): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, handle.file));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const reason = missing
      ? `file ${handle.file} is missing`
      : `file ${handle.file} cannot be read (${(error as Error).message})`;
    throw new CorruptCheckpointError(dir, reason, { cause: error });
  }
  if (bytes.length !== handle.bytes) {
    const how = bytes.length < handle.bytes ? 'truncated' : 'too long';
    throw new CorruptCheckpointError(
      dir,
      `file ${handle.file} is ${how}: ${bytes.length} bytes, the manifest says ${handle.bytes}`,
    );
  }
  if (sha256Hex(bytes) !== handle.sha256) {
    throw new CorruptCheckpointError(dir, `checksum mismatch in ${handle.file}`);
  }
  try {
    readSnapshotHeader(bytes);
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    throw new CorruptCheckpointError(dir, `${handle.file}: ${error.message}`, {
      cause: error,
      code: error.code,
    });
  }
  return bytes;
}
