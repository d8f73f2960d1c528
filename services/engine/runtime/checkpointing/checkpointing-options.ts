import type { CheckpointStore } from '../../checkpoint/checkpoint-store.ts';
import type { CompletedCheckpoint } from '../../checkpoint/checkpoint-types.ts';
import type { CoordinatorLogger, CoordinatorStats } from '../../checkpoint/coordinator-types.ts';

/** `checkpointing` option of a job (`EnvironmentOptions`, `runJob`). */
export interface CheckpointingOptions {
  /** Where checkpoints go (`--checkpoint-dir`) and how many are kept. */
  readonly store: CheckpointStore;
  /** Between periodic checkpoints (ms). Default 5000; 0: only on request (`triggerCheckpoint`, sources) and savepoints. */
  readonly intervalMs?: number;
  /** A checkpoint not complete this long after its trigger is aborted (ms). Default 10 minutes. */
  readonly timeoutMs?: number;
  /** Start from this checkpoint or savepoint (`store.latest()`, `openSavepoint(path)`). */
  readonly restore?: CompletedCheckpoint;
  /** Drop state of operators the job no longer has instead of failing (Flink's `allowNonRestoredState`). */
  readonly allowNonRestoredState?: boolean;
  /** A pino logger fits. Default: silent. */
  readonly logger?: CoordinatorLogger;
}

/** The coordinator's counters, and what the main thread's chain measured for the last checkpoint it wrote. */
export interface JobCheckpointStats extends CoordinatorStats {
  readonly main?: {
    readonly id: number;
    /** The synchronous capture (ms). */
    readonly pauseMs: number;
    /** Longest encoding slice after the pause (ms). */
    readonly longestSliceMs: number;
    readonly slices: number;
    /** Capture to durable file and flushed sinks (ms). */
    readonly persistMs: number;
  };
}
