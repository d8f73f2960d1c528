import { Packr, Unpackr } from 'msgpackr';
import { CheckpointError, newerFormatReason } from './checkpoint-errors.ts';
import {
  CHECKPOINT_FORMAT_VERSION,
  type KeyGroupRange,
  type OperatorSnapshot,
  type StateShape,
  type TaskSnapshot,
} from './checkpoint-types.ts';

/**
 * The task snapshot file format: `EDDYSNAP` (8 bytes), the format version (uint32 big-endian), then
 * one MessagePack value `{ format: 'eddy-task-snapshot', task, subtask, keyGroupRange, operators }`.
 * Each key group's state is packed on its own (a binary value inside the body), so a restore at
 * another parallelism decodes only the groups it owns. msgpackr runs with `moreTypes`: `Map`, `Set`
 * and typed arrays come back as such, objects as objects (records, defined inline: every file
 * decodes on its own).
 *
 * @example
 * const bytes = encodeTaskSnapshot(snapshot);      // synchronous: the task's pause
 * const back = decodeTaskSnapshot(bytes).toSnapshot(); // deep-equals `snapshot`
 */
export const SNAPSHOT_MAGIC = Buffer.from('EDDYSNAP', 'latin1');
/** Magic plus version. */
export const SNAPSHOT_HEADER_BYTES = SNAPSHOT_MAGIC.length + 4;
const BODY_FORMAT = 'eddy-task-snapshot';

const packr = new Packr({ moreTypes: true });
const unpackr = new Unpackr({ moreTypes: true });

/** A decoded file whose key groups are still packed: decode only those you need. */
export interface DecodedTaskSnapshot {
  readonly formatVersion: number;
  readonly task: string;
  readonly subtask: number;
  readonly keyGroupRange: KeyGroupRange | null;
  readonly operators: readonly DecodedOperator[];
  /** Decodes everything: the {@link TaskSnapshot} that was encoded. */
  toSnapshot(): TaskSnapshot;
}

export interface DecodedOperator {
  readonly uid: string;
  readonly kind: string;
  readonly shape: StateShape;
  readonly keys: number;
  readonly hasOperatorState: boolean;
  readonly operatorState: unknown;
  /** Packed state of each key group; {@link decodeKeyGroup} turns one into its value. */
  readonly packedKeyGroups: ReadonlyMap<number, Uint8Array>;
}

/** Encodes a task snapshot into the bytes of its file (header and body). */
export function encodeTaskSnapshot(snapshot: TaskSnapshot): Buffer {
  const operators = snapshot.operators.map((operator) => encodeOperator(operator, snapshot));
  const body = packr.pack({
    format: BODY_FORMAT,
    task: snapshot.task,
    subtask: snapshot.subtask,
    keyGroupRange: snapshot.keyGroupRange,
    operators,
  });
  const header = Buffer.alloc(SNAPSHOT_HEADER_BYTES);
  SNAPSHOT_MAGIC.copy(header, 0);
  header.writeUInt32BE(CHECKPOINT_FORMAT_VERSION, SNAPSHOT_MAGIC.length);
  return Buffer.concat([header, body]);
}

function encodeOperator(operator: OperatorSnapshot, snapshot: TaskSnapshot) {
  const range = snapshot.keyGroupRange;
  const groups = new Map<number, Uint8Array>();
  for (const [group, state] of operator.keyGroups) {
    if (!Number.isInteger(group) || group < 0) {
      throw new RangeError(`operator "${operator.uid}": key group ${group} is not a whole number >= 0`);
    }
    if (range !== null && (group < range.start || group > range.end)) {
      throw new RangeError(
        `operator "${operator.uid}" of ${snapshot.task}#${snapshot.subtask}: key group ${group} is outside the task's range [${range.start}, ${range.end}]`,
      );
    }
    groups.set(group, packr.pack(state));
  }
  const hasOperatorState = 'operatorState' in operator;
  return {
    uid: operator.uid,
    kind: operator.kind,
    shape: operator.shape,
    keys: operator.keys,
    hasOperatorState,
    operatorState: hasOperatorState ? operator.operatorState : undefined,
    keyGroups: groups,
  };
}

/** Reads and checks the header; returns the format version. Throws a {@link CheckpointError} saying why. */
export function readSnapshotHeader(bytes: Uint8Array): number {
  if (bytes.length < SNAPSHOT_HEADER_BYTES) {
    throw new CheckpointError('EDDY_CHECKPOINT_CORRUPT', `only ${bytes.length} bytes, shorter than a header`);
  }
  if (!SNAPSHOT_MAGIC.equals(bytes.subarray(0, SNAPSHOT_MAGIC.length))) {
    throw new CheckpointError('EDDY_CHECKPOINT_CORRUPT', 'not an Eddy snapshot file (bad magic bytes)');
  }
  const version = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readUInt32BE(
    SNAPSHOT_MAGIC.length,
  );
  if (version < 1) throw new CheckpointError('EDDY_CHECKPOINT_CORRUPT', `invalid format version ${version}`);
  if (version > CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      'EDDY_CHECKPOINT_FORMAT_TOO_NEW',
      newerFormatReason(version, CHECKPOINT_FORMAT_VERSION),
    );
  }
  return version;
}

/** Decodes a file's bytes, leaving key groups packed. Throws a {@link CheckpointError} when they are not a snapshot. */
export function decodeTaskSnapshot(bytes: Uint8Array): DecodedTaskSnapshot {
  const formatVersion = readSnapshotHeader(bytes);
  let body: unknown;
  try {
    body = unpackr.unpack(bytes.subarray(SNAPSHOT_HEADER_BYTES));
  } catch (error) {
    throw new CheckpointError(
      'EDDY_CHECKPOINT_CORRUPT',
      `body does not decode (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  const decoded = checkBody(body);
  const operators = decoded.operators.map(checkOperator);
  return {
    formatVersion,
    task: decoded.task,
    subtask: decoded.subtask,
    keyGroupRange: decoded.keyGroupRange,
    operators,
    toSnapshot: () => ({
      task: decoded.task,
      subtask: decoded.subtask,
      keyGroupRange: decoded.keyGroupRange,
      operators: operators.map((operator) => ({
        uid: operator.uid,
        kind: operator.kind,
        shape: operator.shape,
        keys: operator.keys,
        keyGroups: new Map(
          [...operator.packedKeyGroups].map(([group, packed]) => [group, decodeKeyGroup(packed)]),
        ),
        ...(operator.hasOperatorState ? { operatorState: operator.operatorState } : {}),
      })),
    }),
  };
}

/** Decodes one packed key group of a {@link DecodedOperator}. */
export function decodeKeyGroup(packed: Uint8Array): unknown {
  return unpackr.unpack(packed);
}

interface RawBody {
  task: string;
  subtask: number;
  keyGroupRange: KeyGroupRange | null;
  operators: unknown[];
}

function checkBody(body: unknown): RawBody {
  const b = body as Partial<RawBody> & { format?: unknown };
  if (typeof body !== 'object' || body === null || b.format !== BODY_FORMAT) {
    throw new CheckpointError('EDDY_CHECKPOINT_CORRUPT', 'body is not an Eddy task snapshot');
  }
  if (typeof b.task !== 'string' || typeof b.subtask !== 'number' || !Array.isArray(b.operators)) {
    throw new CheckpointError('EDDY_CHECKPOINT_CORRUPT', 'body lacks task, subtask or operators');
  }
  return { task: b.task, subtask: b.subtask, keyGroupRange: b.keyGroupRange ?? null, operators: b.operators };
}

function checkOperator(raw: unknown): DecodedOperator {
  const o = raw as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || typeof o.uid !== 'string' || !(o.keyGroups instanceof Map)) {
    throw new CheckpointError('EDDY_CHECKPOINT_CORRUPT', 'an operator entry lacks its uid or key groups');
  }
  return {
    uid: o.uid,
    kind: String(o.kind),
    shape: o.shape,
    keys: typeof o.keys === 'number' ? o.keys : 0,
    hasOperatorState: o.hasOperatorState === true,
    operatorState: o.operatorState,
    packedKeyGroups: o.keyGroups as Map<number, Uint8Array>,
  };
}
