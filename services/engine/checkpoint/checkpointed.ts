import type { OperatorSnapshot, RestoredOperator } from './checkpoint-types.ts';

/**
 * What an operator with state implements so that checkpoints carry it (Flink's
 * `CheckpointedFunction` / `snapshotState` + `initializeState`, reduced to what Eddy needs).
 *
 * The runtime calls, in the operator's own thread and never concurrently with records:
 * - `restoreState` once, after `open()` and before the first record or watermark, when the job
 *   starts from a checkpoint or savepoint. `restored.keyGroups` holds only the key groups this
 *   subtask owns (at any parallelism: whole key groups move). The operator first checks
 *   `restored.shape` against its own (`checkShapeCompatible`), so that a job whose state changed
 *   incompatibly fails with an error naming the operator and the difference.
 * - `snapshotState` when checkpoint barrier `checkpointId` has reached the operator: every record
 *   before the barrier was processed, none after. It captures the state *synchronously* and
 *   returns data that later processing does not change (copies, not live objects); encoding and
 *   writing happen afterwards, off the record path. Its duration is the pause a checkpoint costs.
 *   A key group's value may be a `DeferredKeyGroup` that the encoder resolves later, in a slice:
 *   operators with many live per-key objects capture them copy-on-write (`CopyOnWriteCapture`),
 *   so the pause does not grow with their keys.
 * - `prepareCheckpoint` (optional) right after `snapshotState`, for effects that must be durable
 *   before the checkpoint completes: a sink flushes here. The checkpoint completes only after the
 *   returned promise resolves; records keep flowing meanwhile.
 */
export interface Checkpointed {
  /** The snapshot's `uid` is `OperatorContext.uid`, which the runtime assigns from the job graph. */
  snapshotState(checkpointId: number): OperatorSnapshot;
  restoreState(restored: RestoredOperator): void;
}

/** An operator or sink that must flush before a checkpoint completes. */
export interface FlushesOnCheckpoint {
  prepareCheckpoint(checkpointId: number): Promise<void> | void;
}

/** Whether `operator` carries state into checkpoints. */
export function isCheckpointed(operator: object): operator is Checkpointed {
  const candidate = operator as Partial<Checkpointed>;
  return typeof candidate.snapshotState === 'function' && typeof candidate.restoreState === 'function';
}

/** Whether `operator` has to flush before a checkpoint completes. */
export function flushesOnCheckpoint(operator: object): operator is FlushesOnCheckpoint {
  return typeof (operator as Partial<FlushesOnCheckpoint>).prepareCheckpoint === 'function';
}
