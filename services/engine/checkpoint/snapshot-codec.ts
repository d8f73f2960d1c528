import { Packr, Unpackr } from 'msgpackr';
import { CheckpointError, newerFormatReason } from './checkpoint-errors.ts';
import {
  CHECKPOINT_FORMAT_VERSION,
  type KeyGroupRange,
  type OperatorSnapshot,
  type StateShape,
  type TaskSnapshot,
} from './checkpoint-types.ts';
import { resolveKeyGroup, takeKeyGroup } from './deferred-key-group.ts';

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
  return encodeBody(snapshot, operators);
}

/** Options of {@link encodeTaskSnapshotSliced}. */
export interface SlicedEncodeOptions {
  /** Packed bytes after which a slice ends and the event loop gets a turn. Default 256 KiB (~1 ms). */
  readonly sliceBytes?: number;
  /**
   * Time after which a slice ends, whatever it packed (ms). Default 1: deferred key groups
   * (`DeferredKeyGroup`) copy state before packing it, which costs more than the bytes show.
   */
  readonly sliceMs?: number;
  /** Gives the event loop a turn between slices. Default `setImmediate`. */
  readonly yieldToLoop?: () => Promise<void>;
  /** Measures the slices (ms); default `performance.now`. Only measured: slices end by bytes. */
  readonly now?: () => number;
}

/** What {@link encodeTaskSnapshotSliced} produced and how long it held the thread. */
export interface SlicedEncoding {
  readonly bytes: Buffer;
  /** Slices the encoding ran in (the event loop had a turn between two). */
  readonly slices: number;
  /** The longest slice: the longest the encoder kept records from being processed (ms). */
  readonly longestSliceMs: number;
  /** Encoding time, yields excluded (ms). */
  readonly busyMs: number;
}

const DEFAULT_SLICE_BYTES = 256 * 1024;
const DEFAULT_SLICE_MS = 1;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Encodes like {@link encodeTaskSnapshot}, byte for byte, without stalling the thread: key groups
 * are packed one by one (a deferred group is resolved just before), and after each `sliceBytes`
 * of packed state or `sliceMs` of work the event loop gets a turn (records keep flowing
 * meanwhile). The snapshot must not change while this runs, which `Checkpointed.snapshotState`
 * guarantees (it returns copies, or deferred groups that resolve to the state at the barrier).
 * The last slice assembles the body (copying the packed groups: memcpy speed). Deferred key groups
 * are taken (`DeferredKeyGroup.take`): encoded once, their values are not kept with the snapshot.
 *
 * @example
 * const { bytes, longestSliceMs } = await encodeTaskSnapshotSliced(snapshot);
 * await writeEncodedSnapshot(dir, snapshot, bytes);
 */
export async function encodeTaskSnapshotSliced(
  snapshot: TaskSnapshot,
  options: SlicedEncodeOptions = {},
): Promise<SlicedEncoding> {
  const sliceBytes = options.sliceBytes ?? DEFAULT_SLICE_BYTES;
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  const yieldToLoop = options.yieldToLoop ?? nextTurn;
  const now = options.now ?? (() => performance.now());
  // The capture that produced `snapshot` ran in this turn: encode from the next one, so no slice
  // lengthens the processing pause.
  await yieldToLoop();
  let slices = 1;
  let longestSliceMs = 0;
  let busyMs = 0;
  let sliceStart = now();
  let packedInSlice = 0;
  const endSlice = () => {
    const took = now() - sliceStart;
    busyMs += took;
    if (took > longestSliceMs) longestSliceMs = took;
  };
  const operators: ReturnType<typeof encodeOperatorHead>[] = [];
  for (const operator of snapshot.operators) {
    const head = encodeOperatorHead(operator);
    for (const [group, state] of operator.keyGroups) {
      const packed = packGroup(operator, snapshot, group, state, takeKeyGroup);
      head.keyGroups.set(group, packed);
      packedInSlice += packed.length;
      if (packedInSlice >= sliceBytes || now() - sliceStart >= sliceMs) {
        endSlice();
        await yieldToLoop();
        slices++;
        packedInSlice = 0;
        sliceStart = now();
      }
    }
    operators.push(head);
  }
  const bytes = encodeBody(snapshot, operators);
  endSlice();
  return { bytes, slices, longestSliceMs, busyMs };
}

function encodeBody(
  snapshot: TaskSnapshot,
  operators: readonly ReturnType<typeof encodeOperatorHead>[],
): Buffer {
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
  const head = encodeOperatorHead(operator);
  for (const [group, state] of operator.keyGroups) {
    head.keyGroups.set(group, packGroup(operator, snapshot, group, state, resolveKeyGroup));
  }
  return head;
}

/** An operator's entry in the body, its key groups still to pack. */
function encodeOperatorHead(operator: OperatorSnapshot) {
  const hasOperatorState = 'operatorState' in operator;
  return {
    uid: operator.uid,
    kind: operator.kind,
    shape: operator.shape,
    keys: operator.keys,
    hasOperatorState,
    operatorState: hasOperatorState ? operator.operatorState : undefined,
    keyGroups: new Map<number, Uint8Array>(),
  };
}

function packGroup(
  operator: OperatorSnapshot,
  snapshot: TaskSnapshot,
  group: number,
  state: unknown,
  read: (state: unknown) => unknown,
): Uint8Array {
  const range = snapshot.keyGroupRange;
  if (!Number.isInteger(group) || group < 0) {
    throw new RangeError(`operator "${operator.uid}": key group ${group} is not a whole number >= 0`);
  }
  if (range !== null && (group < range.start || group > range.end)) {
    throw new RangeError(
      `operator "${operator.uid}" of ${snapshot.task}#${snapshot.subtask}: key group ${group} is outside the task's range [${range.start}, ${range.end}]`,
    );
  }
  return packr.pack(read(state));
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
