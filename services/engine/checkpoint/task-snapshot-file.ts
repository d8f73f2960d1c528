import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskSnapshot, TaskStateHandle } from './checkpoint-types.ts';
import { writeDurably } from './durable-files.ts';
import { encodeTaskSnapshot } from './snapshot-codec.ts';

/**
 * Writes one task's snapshot durably into the checkpoint's directory and returns the handle the
 * task reports to the coordinator. Pure `node:fs` and plain data in and out: callable from a worker
 * thread. Encoding is separate ({@link encodeTaskSnapshot}) so a task can encode synchronously, while
 * it is paused, and write asynchronously with {@link writeEncodedSnapshot}.
 *
 * @example
 * const handle = await writeTaskSnapshot('.eddy/checkpoints', 12, snapshot);
 * // { task: 'window-agg', subtask: 0, file: 'window-agg.0.snap', bytes: 48211, sha256: '9f2c…', ... }
 */
export async function writeTaskSnapshot(
  rootDir: string,
  checkpointId: number,
  snapshot: TaskSnapshot,
): Promise<TaskStateHandle> {
  return writeEncodedSnapshot(
    join(rootDir, checkpointDirName(checkpointId)),
    snapshot,
    encodeTaskSnapshot(snapshot),
  );
}

/**
 * Writes already encoded snapshot bytes into `checkpointDir` (a `chk-<id>` directory, or a savepoint
 * directory), creating it if needed. The checksum is computed 1 MiB at a time with a turn of the
 * event loop between (a few ms at most each), so a large snapshot does not stall the thread.
 */
export async function writeEncodedSnapshot(
  checkpointDir: string,
  snapshot: Pick<TaskSnapshot, 'task' | 'subtask' | 'keyGroupRange' | 'operators'>,
  bytes: Uint8Array,
): Promise<TaskStateHandle> {
  const file = snapshotFileName(snapshot.task, snapshot.subtask);
  await mkdir(checkpointDir, { recursive: true });
  const [sha256] = await Promise.all([sha256Sliced(bytes), writeDurably(join(checkpointDir, file), bytes)]);
  return {
    task: snapshot.task,
    subtask: snapshot.subtask,
    file,
    bytes: bytes.length,
    sha256,
    keyGroupRange: snapshot.keyGroupRange,
    operators: snapshot.operators.map((operator) => operator.uid),
    keys: snapshot.operators.reduce((sum, operator) => sum + operator.keys, 0),
  };
}

/** `chk-<id>`: the directory of checkpoint `id` under the store's root. */
export function checkpointDirName(id: number): string {
  if (!Number.isSafeInteger(id) || id < 0)
    throw new RangeError(`checkpoint id must be a whole number >= 0, got ${id}`);
  return `chk-${id}`;
}

/** Parses `chk-<id>`; `undefined` for any other name. */
export function parseCheckpointDirName(name: string): number | undefined {
  const match = /^chk-(\d{1,15})$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * `<task>.<subtask>.snap`, the task name reduced to safe characters; a name that had to change gets
 * a short hash so two tasks never share a file.
 */
export function snapshotFileName(task: string, subtask: number): string {
  const safe = task.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  const suffix = safe === task ? '' : `-${createHash('sha256').update(task).digest('hex').slice(0, 8)}`;
  return `${safe}${suffix}.${subtask}.snap`;
}

const HASH_SLICE_BYTES = 1024 * 1024;

/** Hex SHA-256 of `bytes`, hashed a slice at a time with a turn of the event loop between slices. */
export async function sha256Sliced(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  for (let start = 0; start < bytes.length; start += HASH_SLICE_BYTES) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    hash.update(bytes.subarray(start, start + HASH_SLICE_BYTES));
  }
  return hash.digest('hex');
}
