import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptCheckpointError } from './checkpoint-errors.ts';
import type { CheckpointInfo, CheckpointManifest } from './checkpoint-types.ts';
import { readManifest } from './manifest.ts';
import { readVerifiedTaskFile } from './verify-checkpoint.ts';

/**
 * Inspects one checkpoint directory for `eddy checkpoints` and `GET /api/checkpoints`: its manifest's
 * figures and whether it is complete (every file verifies), corrupt (and why) or incomplete (no
 * manifest; its size is what is on disk). Never throws for a damaged checkpoint.
 *
 * @example
 * await inspectCheckpoint('.eddy/checkpoints/chk-12', 12);
 * // { id: 12, kind: 'checkpoint', status: 'complete', createdAt: 1732464000000, durationMs: 340, bytes: 48211, keys: 1000, ... }
 */
export async function inspectCheckpoint(dir: string, id: number): Promise<CheckpointInfo> {
  let manifest: CheckpointManifest | undefined;
  try {
    manifest = await readManifest(dir);
  } catch (error) {
    if (!(error instanceof CorruptCheckpointError)) throw error;
    return { ...blank(dir, id), status: 'corrupt', bytes: await bytesOnDisk(dir), reason: error.reason };
  }
  if (manifest === undefined) {
    return { ...blank(dir, id), status: 'incomplete', bytes: await bytesOnDisk(dir), reason: 'no manifest' };
  }
  const info = {
    id: manifest.id,
    kind: manifest.kind,
    dir,
    createdAt: manifest.createdAt,
    durationMs: manifest.durationMs,
    bytes: manifest.totalBytes,
    keys: manifest.keys,
  };
  try {
    for (const handle of manifest.tasks) await readVerifiedTaskFile(dir, handle);
  } catch (error) {
    if (!(error instanceof CorruptCheckpointError)) throw error;
    return { ...info, status: 'corrupt', reason: error.reason };
  }
  return { ...info, status: 'complete' };
}

function blank(dir: string, id: number) {
  return { id, kind: null, dir, createdAt: null, durationMs: null, keys: null } as const;
}

async function bytesOnDisk(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    total += (await stat(join(dir, entry.name)).catch(() => undefined))?.size ?? 0;
  }
  return total;
}
