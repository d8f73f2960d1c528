/**
 * The checkpoint contract: what a task hands over when it snapshots, what the store writes and
 * keeps, and what a restore reads back. The coordinator, the tasks and the store code against
 * these names; the storage itself lives in the other files of this folder.
 *
 * On disk a checkpoint is a directory `chk-<id>` holding one snapshot file per task (a header with
 * magic bytes and {@link CHECKPOINT_FORMAT_VERSION}, then a MessagePack body) and, written last,
 * `_manifest.json` ({@link CheckpointManifest}) listing every file with its size and SHA-256.
 * A directory without a manifest is an incomplete checkpoint and is never read.
 *
 * @example
 * const snapshot: TaskSnapshot = {
 *   task: 'window-agg', subtask: 0, keyGroupRange: { start: 0, end: 127 },
 *   operators: [{ uid: 'window-1', kind: 'window', shape: { states: ['acc'] }, keyGroups: new Map([[5, [...]]]), keys: 1 }],
 * };
 */

/** Version of the snapshot file and manifest format this Eddy writes; it reads this one and older. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** Name of the manifest file in a checkpoint or savepoint directory. */
export const MANIFEST_FILE = '_manifest.json';

/** Inclusive range of key groups `[start, end]` (see `services/engine/key-groups.ts`). */
export interface KeyGroupRange {
  readonly start: number;
  readonly end: number;
}

/**
 * JSON describing how an operator's state is laid out (state names and kinds, window assigner,
 * aggregate names, ...). A restore refuses a snapshot whose shape differs from the running
 * operator's (`checkShapeCompatible` in `state-shape.ts`).
 */
export type StateShape = unknown;

/**
 * One operator's state within a task snapshot. Values may hold anything MessagePack carries here:
 * plain objects and arrays, `Map`, `Set`, typed arrays (`Float64Array`...), `Date`, `bigint`,
 * `undefined`, `NaN` and `±Infinity`. Class instances and null-prototype objects come back as plain
 * objects (operators write plain data); a plain number `-0` comes back as `0` (inside a
 * `Float64Array` it keeps its sign); an object key named `__proto__` is renamed `__proto_` by msgpackr
 * (so decoding never sets a prototype): use a `Map` for keys that come from outside.
 */
export interface OperatorSnapshot {
  /** Stable id of the operator in the job graph: state is matched to operators by it on restore. */
  readonly uid: string;
  /** What kind of operator wrote it (`window`, `keyed-process`, `source`...), for messages and inspection. */
  readonly kind: string;
  readonly shape: StateShape;
  /**
   * Keyed state by key group: restoring at another parallelism moves whole groups. A value may be a
   * `DeferredKeyGroup` (resolved by the encoder, after the pause; see `deferred-key-group.ts`).
   */
  readonly keyGroups: Map<number, unknown>;
  /** State not split by key (e.g. a source's positions); restored as a list, one per old subtask. */
  readonly operatorState?: unknown;
  /** Number of keys with state (for inspection). */
  readonly keys: number;
}

/** Everything one subtask of one chain hands over for a checkpoint. */
export interface TaskSnapshot {
  /** The chain (task) name. */
  readonly task: string;
  readonly subtask: number;
  /** Key groups this subtask owns; `null` for a task that is not keyed (a source). */
  readonly keyGroupRange: KeyGroupRange | null;
  readonly operators: readonly OperatorSnapshot[];
}

/** What a task reports to the coordinator once its snapshot file is durable. */
export interface TaskStateHandle {
  readonly task: string;
  readonly subtask: number;
  /** File name, relative to the checkpoint's directory. */
  readonly file: string;
  readonly bytes: number;
  /** Hex SHA-256 of the whole file. */
  readonly sha256: string;
  readonly keyGroupRange: KeyGroupRange | null;
  /** uids of the operators in the file. */
  readonly operators: readonly string[];
  /** Sum of the operators' `keys`. */
  readonly keys: number;
}

export type CheckpointKind = 'checkpoint' | 'savepoint';

/** The contents of `_manifest.json`: written last, it is what makes a checkpoint complete. */
export interface CheckpointManifest {
  readonly formatVersion: number;
  readonly id: number;
  readonly kind: CheckpointKind;
  /** Epoch ms (from the injected clock) at which the checkpoint completed. */
  readonly createdAt: number;
  /** From trigger to completion, as measured by the coordinator. */
  readonly durationMs: number;
  readonly job: { readonly name: string; readonly fingerprint: string };
  readonly maxParallelism: number;
  readonly parallelism: number;
  /** Sum of the task files' sizes. */
  readonly totalBytes: number;
  /** Sum of the tasks' keys. */
  readonly keys: number;
  readonly tasks: readonly TaskStateHandle[];
  /** Source positions or anything else the coordinator keeps with the checkpoint (JSON). */
  readonly sources?: unknown;
}

/** What the coordinator passes to `CheckpointStore.complete`; the store adds the rest. */
export interface CheckpointCompletion {
  readonly id: number;
  /** Default `checkpoint`. */
  readonly kind?: CheckpointKind;
  readonly durationMs: number;
  readonly job: { readonly name: string; readonly fingerprint: string };
  readonly maxParallelism: number;
  readonly parallelism: number;
  readonly tasks: readonly TaskStateHandle[];
  readonly sources?: unknown;
}

/** A complete checkpoint or savepoint that verified, and where its files are. */
export interface CompletedCheckpoint {
  readonly dir: string;
  readonly manifest: CheckpointManifest;
}

/** `complete`: manifest present and every file verifies; `corrupt`: it does not; `incomplete`: no manifest. */
export type CheckpointStatus = 'complete' | 'corrupt' | 'incomplete';

/** One line of `eddy checkpoints` and `GET /api/checkpoints`. */
export interface CheckpointInfo {
  readonly id: number;
  /** `null` when the manifest is missing or unreadable. */
  readonly kind: CheckpointKind | null;
  readonly dir: string;
  readonly status: CheckpointStatus;
  readonly createdAt: number | null;
  readonly durationMs: number | null;
  /** Bytes of the task files (as listed by the manifest, else as found on disk). */
  readonly bytes: number;
  readonly keys: number | null;
  /** Why it is corrupt or incomplete. */
  readonly reason?: string;
}

/** Options of a restore. */
export interface LoadOptions {
  /** Only these key groups (the restoring subtask's range); default all. */
  readonly keyGroupRange?: KeyGroupRange;
  /** Only these operators; default all. Files holding none of them are not read. */
  readonly operators?: readonly string[];
}

/** One operator's state as restored: its key groups in the requested range and every operator state. */
export interface RestoredOperator {
  readonly uid: string;
  readonly kind: string;
  readonly shape: StateShape;
  readonly keyGroups: Map<number, unknown>;
  /** One entry per old subtask that had operator state, in subtask order. */
  readonly operatorStates: readonly {
    readonly task: string;
    readonly subtask: number;
    readonly state: unknown;
  }[];
}

/** What a restore hands to the tasks. */
export interface RestoredState {
  readonly checkpoint: CompletedCheckpoint;
  readonly operators: Map<string, RestoredOperator>;
}
