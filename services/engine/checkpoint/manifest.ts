import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { CorruptCheckpointError, newerFormatReason } from './checkpoint-errors.ts';
import {
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointCompletion,
  type CheckpointManifest,
  MANIFEST_FILE,
} from './checkpoint-types.ts';
import { writeDurably } from './durable-files.ts';

/**
 * `_manifest.json`: read, checked against its schema and written durably. A manifest is the last
 * file of a checkpoint; its presence makes the checkpoint complete.
 *
 * @example
 * await writeManifest('/data/chk-3', manifest);
 * const back = await readManifest('/data/chk-3'); // undefined when there is none
 */
const Count = Type.Integer({ minimum: 0 });
const KeyGroupRangeSchema = Type.Object({ start: Count, end: Count });

/** A task file name: one path segment of safe characters, never `.` or `..`. */
const FileNameSchema = Type.String({ pattern: '^(?!\\.{1,2}$)[A-Za-z0-9_.-]{1,200}$' });

export const TaskStateHandleSchema = Type.Object({
  task: Type.String(),
  subtask: Count,
  file: FileNameSchema,
  bytes: Count,
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  keyGroupRange: Type.Union([KeyGroupRangeSchema, Type.Null()]),
  operators: Type.Array(Type.String()),
  keys: Count,
});

export const CheckpointManifestSchema = Type.Object({
  formatVersion: Type.Integer({ minimum: 1 }),
  id: Count,
  kind: Type.Union([Type.Literal('checkpoint'), Type.Literal('savepoint')]),
  createdAt: Type.Number(),
  durationMs: Type.Number({ minimum: 0 }),
  job: Type.Object({ name: Type.String(), fingerprint: Type.String() }),
  maxParallelism: Type.Integer({ minimum: 1 }),
  parallelism: Type.Integer({ minimum: 1 }),
  totalBytes: Count,
  keys: Count,
  tasks: Type.Array(TaskStateHandleSchema),
  sources: Type.Optional(Type.Unknown()),
});

/** What the schema accepts; `parseManifest` returning it as a {@link CheckpointManifest} keeps the two in line. */
type SchemaManifest = Static<typeof CheckpointManifestSchema>;

/**
 * Reads the manifest of `dir`: `undefined` when there is none (an incomplete checkpoint). Throws a
 * {@link CorruptCheckpointError} when it is not valid JSON, does not match the schema or was written by a
 * newer format version.
 */
export async function readManifest(dir: string): Promise<CheckpointManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CorruptCheckpointError(dir, `${MANIFEST_FILE} cannot be read (${(error as Error).message})`, {
      cause: error,
    });
  }
  return parseManifest(dir, text);
}

/** Parses and checks manifest text (see {@link readManifest}). */
export function parseManifest(dir: string, text: string): CheckpointManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorruptCheckpointError(dir, `${MANIFEST_FILE} is not valid JSON`, { cause: error });
  }
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > CHECKPOINT_FORMAT_VERSION) {
    throw new CorruptCheckpointError(dir, newerFormatReason(version, CHECKPOINT_FORMAT_VERSION), {
      code: 'EDDY_CHECKPOINT_FORMAT_TOO_NEW',
    });
  }
  if (!Value.Check(CheckpointManifestSchema, value)) {
    const first = Value.Errors(CheckpointManifestSchema, value)[0];
    const where = first?.instancePath ? ` at ${first.instancePath}` : '';
    throw new CorruptCheckpointError(
      dir,
      `${MANIFEST_FILE} is not a valid manifest${where}: ${first?.message ?? 'unknown'}`,
    );
  }
  const manifest: SchemaManifest = value;
  return manifest;
}

/** Writes `dir/_manifest.json` atomically and durably (temp file, fsync, rename, fsync of `dir`). */
export async function writeManifest(dir: string, manifest: CheckpointManifest): Promise<void> {
  await writeDurably(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The manifest for a completion: format version, time and totals added. */
export function buildManifest(completion: CheckpointCompletion, createdAt: number): CheckpointManifest {
  return {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    id: completion.id,
    kind: completion.kind ?? 'checkpoint',
    createdAt,
    durationMs: completion.durationMs,
    job: { name: completion.job.name, fingerprint: completion.job.fingerprint },
    maxParallelism: completion.maxParallelism,
    parallelism: completion.parallelism,
    totalBytes: completion.tasks.reduce((sum, handle) => sum + handle.bytes, 0),
    keys: completion.tasks.reduce((sum, handle) => sum + handle.keys, 0),
    tasks: completion.tasks,
    ...(completion.sources === undefined ? {} : { sources: completion.sources }),
  };
}
