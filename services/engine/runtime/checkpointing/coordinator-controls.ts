import type { CheckpointCoordinator } from '../../checkpoint/checkpoint-coordinator.ts';

/**
 * The coordinator's interval when checkpoints are only taken on request (`intervalMs: 0`): the
 * longest a Node timer waits (about 24.8 days), since the coordinator always runs a periodic ticker.
 */
export const ON_REQUEST_ONLY_INTERVAL_MS = 2 ** 31 - 1;

/**
 * Starts a checkpoint now, as a periodic tick would (skipped and counted if one is in flight).
 * `CheckpointCoordinator` has no public trigger for a regular checkpoint yet: this calls its
 * periodic trigger. Replace with `coordinator.triggerCheckpoint()` once it has one.
 */
export function triggerCheckpointNow(coordinator: CheckpointCoordinator): void {
  const internals = coordinator as unknown as { triggerCheckpoint?: () => void; tick: () => void };
  if (typeof internals.triggerCheckpoint === 'function') internals.triggerCheckpoint();
  else internals.tick();
}
