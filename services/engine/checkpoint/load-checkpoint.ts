import { CorruptCheckpointError } from './checkpoint-errors.ts';
import type {
  CompletedCheckpoint,
  LoadOptions,
  RestoredOperator,
  RestoredState,
} from './checkpoint-types.ts';
import { decodeKeyGroup, decodeTaskSnapshot } from './snapshot-codec.ts';
import { firstDifference } from './state-shape.ts';
import { readVerifiedTaskFile } from './verify-checkpoint.ts';

interface Building {
  uid: string;
  kind: string;
  shape: unknown;
  keyGroups: Map<number, unknown>;
  operatorStates: { task: string; subtask: number; state: unknown }[];
  from: string;
}

/**
 * Reads a verified checkpoint back for one restoring subtask: per operator uid, the key groups in
 * `keyGroupRange` (from whichever old subtasks held them: any new parallelism picks whole groups)
 * and the operator states of every old subtask. Each file is checked against its checksum again as
 * it is read; a damaged file fails the whole load (never half-loaded).
 *
 * @example
 * const range = keyGroupRange(1, 3, manifest.maxParallelism); // subtask 1 of 3
 * const { operators } = await loadCheckpoint(checkpoint, { keyGroupRange: range });
 * operators.get('window-1')?.keyGroups; // Map of key group → state, for groups 43..85 only
 */
export async function loadCheckpoint(
  checkpoint: CompletedCheckpoint,
  options: LoadOptions = {},
): Promise<RestoredState> {
  const { dir, manifest } = checkpoint;
  const range = options.keyGroupRange;
  if (range && (range.start > range.end || range.end >= manifest.maxParallelism)) {
    throw new RangeError(
      `key group range [${range.start}, ${range.end}] does not fit maxParallelism ${manifest.maxParallelism} of checkpoint ${manifest.id}`,
    );
  }
  const wanted = options.operators ? new Set(options.operators) : undefined;
  const building = new Map<string, Building>();
  for (const handle of manifest.tasks) {
    if (wanted && !handle.operators.some((uid) => wanted.has(uid))) continue;
    const bytes = await readVerifiedTaskFile(dir, handle);
    const decoded = (() => {
      try {
        return decodeTaskSnapshot(bytes);
      } catch (error) {
        throw new CorruptCheckpointError(dir, `${handle.file}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    })();
    for (const operator of decoded.operators) {
      if (wanted && !wanted.has(operator.uid)) continue;
      const where = handle.file;
      let entry = building.get(operator.uid);
      if (!entry) {
        entry = {
          uid: operator.uid,
          kind: operator.kind,
          shape: operator.shape,
          keyGroups: new Map(),
          operatorStates: [],
          from: where,
        };
        building.set(operator.uid, entry);
      } else {
        const difference = firstDifference(entry.shape, operator.shape, '');
        if (difference !== undefined || entry.kind !== operator.kind) {
          throw new CorruptCheckpointError(
            dir,
            `operator "${operator.uid}" has different shapes in ${entry.from} and ${where} (${difference ?? `kind ${entry.kind} vs ${operator.kind}`})`,
          );
        }
      }
      for (const [group, packed] of operator.packedKeyGroups) {
        if (range && (group < range.start || group > range.end)) continue;
        if (entry.keyGroups.has(group)) {
          throw new CorruptCheckpointError(
            dir,
            `key group ${group} of operator "${operator.uid}" appears in two task files`,
          );
        }
        entry.keyGroups.set(group, decodeKeyGroup(packed));
      }
      if (operator.hasOperatorState) {
        entry.operatorStates.push({
          task: decoded.task,
          subtask: decoded.subtask,
          state: operator.operatorState,
        });
      }
    }
  }
  const operators = new Map<string, RestoredOperator>();
  for (const [uid, entry] of building) {
    entry.operatorStates.sort(
      (a, b) => a.subtask - b.subtask || (a.task < b.task ? -1 : a.task > b.task ? 1 : 0),
    );
    operators.set(uid, {
      uid,
      kind: entry.kind,
      shape: entry.shape,
      keyGroups: entry.keyGroups,
      operatorStates: entry.operatorStates,
    });
  }
  return { checkpoint, operators };
}
