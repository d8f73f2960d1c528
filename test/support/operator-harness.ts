import type {
  KeyGroupRange,
  OperatorSnapshot,
  RestoredOperator,
} from '../../services/engine/checkpoint/checkpoint-types.ts';
import { isCheckpointed } from '../../services/engine/checkpoint/checkpointed.ts';
import { resolveKeyGroups } from '../../services/engine/checkpoint/deferred-key-group.ts';
import { decodeTaskSnapshot, encodeTaskSnapshot } from '../../services/engine/checkpoint/snapshot-codec.ts';
import type { Output } from '../../services/engine/runtime/output.ts';
import type { StreamOperator } from '../../services/engine/runtime/stream-operator.ts';
import { type Clock, ManualClock } from '../../services/engine/time/clock.ts';

/** One thing an operator emitted, in order: a record with its timestamp, a watermark, or a side-output record. */
export type Emitted<T> =
  | { record: T; timestamp: number }
  | { watermark: number }
  | { side: string; record: unknown; timestamp: number };

export interface OperatorHarnessOptions {
  clock?: Clock;
  maxParallelism?: number;
  /** The operator's uid in checkpoints (absent: its name). */
  uid?: string;
  /** Which subtask the operator is, at parallelism > 1. */
  subtask?: { index: number; parallelism: number };
}

/**
 * Drives one operator by hand, as Flink's operator test harnesses do: feed records and
 * watermarks in a script, then check the whole output, watermarks included. For checkpointed
 * operators: `snapshot()` and `restore()` (see also {@link restoredOperator}).
 */
export class OperatorHarness<IN, OUT> {
  readonly output: Emitted<OUT>[] = [];
  readonly clock: Clock;

  constructor(
    readonly operator: StreamOperator<IN, OUT>,
    options: OperatorHarnessOptions = {},
  ) {
    this.clock = options.clock ?? new ManualClock(0);
    const sink: Output<OUT> = {
      collect: (record, timestamp) => this.output.push({ record, timestamp }),
      emitWatermark: (watermark) => this.output.push({ watermark }),
      sideOutput: (tag, record, timestamp) => this.output.push({ side: tag.id, record, timestamp }),
    };
    void operator.open(
      {
        clock: this.clock,
        maxParallelism: options.maxParallelism ?? 128,
        ...(options.uid === undefined ? {} : { uid: options.uid }),
        ...(options.subtask === undefined ? {} : { subtask: options.subtask }),
      },
      sink,
    );
  }

  element(value: IN, timestamp: number): this {
    this.operator.processElement(value, timestamp);
    return this;
  }

  watermark(watermark: number): this {
    this.operator.processWatermark(watermark);
    return this;
  }

  /** The output so far, then clears it. */
  take(): Emitted<OUT>[] {
    return this.output.splice(0, this.output.length);
  }

  /**
   * The operator's snapshot for checkpoint `id` (the operator must be checkpointed), its deferred
   * key groups resolved at once, as if encoded right away.
   */
  snapshot(id = 1): OperatorSnapshot {
    const snapshot = this.deferredSnapshot(id);
    return { ...snapshot, keyGroups: resolveKeyGroups(snapshot.keyGroups) };
  }

  /** The operator's snapshot as `snapshotState` returns it: key groups may be deferred (`DeferredKeyGroup`). */
  deferredSnapshot(id = 1): OperatorSnapshot {
    const operator = this.operator;
    if (!isCheckpointed(operator)) throw new Error(`operator ${operator.name} is not checkpointed`);
    return operator.snapshotState(id);
  }

  /** Restores state into the (just opened) operator. */
  restore(restored: RestoredOperator): this {
    const operator = this.operator;
    if (!isCheckpointed(operator)) throw new Error(`operator ${operator.name} is not checkpointed`);
    operator.restoreState(restored);
    return this;
  }
}

/**
 * What a restore hands an operator from the snapshots of one or more old subtasks (in subtask
 * order): the key groups in `range` (all when absent) and every old subtask's operator state.
 */
export function restoredOperator(
  snapshots: readonly OperatorSnapshot[],
  range?: KeyGroupRange,
): RestoredOperator {
  const first = snapshots[0];
  if (first === undefined) throw new Error('restoredOperator needs at least one snapshot');
  const keyGroups = new Map<number, unknown>();
  const operatorStates: { task: string; subtask: number; state: unknown }[] = [];
  snapshots.forEach((snapshot, subtask) => {
    for (const [group, state] of snapshot.keyGroups) {
      if (range === undefined || (group >= range.start && group <= range.end)) keyGroups.set(group, state);
    }
    if ('operatorState' in snapshot)
      operatorStates.push({ task: 'task', subtask, state: snapshot.operatorState });
  });
  return { uid: first.uid, kind: first.kind, shape: first.shape, keyGroups, operatorStates };
}

/** `snapshot` written into a task snapshot file's bytes and read back: what a real restore sees. */
export function throughCodec(snapshot: OperatorSnapshot): OperatorSnapshot {
  const bytes = encodeTaskSnapshot({ task: 'task', subtask: 0, keyGroupRange: null, operators: [snapshot] });
  const [back] = decodeTaskSnapshot(bytes).toSnapshot().operators;
  if (back === undefined) throw new Error('the codec lost the operator');
  return back;
}
