/**
 * How `JobExecution.stop` stops a job.
 *
 * @example
 * await job.stop();                                   // sources closed, sinks flushed
 * await job.stop({ finalCheckpoint: true });          // SIGTERM: the next start replays nothing
 * await job.stop({ savepoint: '/data/savepoints/sp-1' });
 */
export interface StopOptions {
  /** Fire every open window before stopping (results of incomplete windows are emitted). Default false. */
  readonly drain?: boolean;
  /** Stop with savepoint into this directory (needs `checkpointing`); if it fails the job keeps running. */
  readonly savepoint?: string;
  /**
   * Graceful stop with `checkpointing` (a plain stop without it; ignored with `savepoint`; not with
   * `drain`): the sources stop handing over records (`pause()`), one last checkpoint is taken and
   * committed like any other (sinks flushed first; its completion reaches the sources, e.g. MQTT
   * PUBACKs), then the job stops. The next start restores it and replays nothing. If it fails or
   * takes longer than `finalCheckpointTimeoutMs`, the job stops anyway (a warning is logged) and
   * the sources replay from the previous checkpoint. Default false.
   */
  readonly finalCheckpoint?: boolean;
  /** How long the final checkpoint may take (ms). Default {@link DEFAULT_FINAL_CHECKPOINT_TIMEOUT_MS}. */
  readonly finalCheckpointTimeoutMs?: number;
}

/** Default `StopOptions.finalCheckpointTimeoutMs`: well inside the 30 s a container gets between SIGTERM and SIGKILL. */
export const DEFAULT_FINAL_CHECKPOINT_TIMEOUT_MS = 20_000;
