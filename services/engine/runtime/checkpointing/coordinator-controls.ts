import type { CheckpointCoordinator } from '../../checkpoint/checkpoint-coordinator.ts';

/**
 * The coordinator's `intervalMs` for the job's: the same, `0` included (the coordinator then runs
 * no periodic ticker and checkpoints only on request).
 * @deprecated pass the interval to the coordinator as it is.
 */
export const ON_REQUEST_ONLY_INTERVAL_MS = 0;

/**
 * Starts a checkpoint now, or right after the one in flight (`coordinator.triggerCheckpoint()`),
 * without waiting for it: an abort is logged by the coordinator and reported to the job through
 * its `onAborted` hook, so the rejection is dropped here.
 * @deprecated call `coordinator.triggerCheckpoint()`.
 */
export function triggerCheckpointNow(coordinator: CheckpointCoordinator): void {
  coordinator.triggerCheckpoint().catch(() => {});
}
