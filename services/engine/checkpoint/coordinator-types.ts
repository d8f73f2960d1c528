import type { Clock } from '../time/clock.ts';
import type {
  CheckpointCompletion,
  CheckpointKind,
  CompletedCheckpoint,
  TaskStateHandle,
} from './checkpoint-types.ts';

/**
 * The part of the checkpoint store the coordinator uses. Written here, structurally, until
 * `checkpoint-types.ts` exports the store's own interface; any method may be sync or async.
 */
export interface CoordinatorStore {
  /** The id the next checkpoint gets: one more than the newest on disk, so ids go on after a restart. */
  nextId(): number | Promise<number>;
  /**
   * A checkpoint starts: prepare its directory (for a savepoint, `targetDir`). May return (or
   * resolve to) that directory as a string, which is passed on to the sources' trigger as `dir`.
   */
  begin(id: number, options: BeginOptions): unknown;
  /** Every task acknowledged: write the manifest durably. The checkpoint is complete when this settles. */
  complete(completion: CheckpointCompletion): CompletedCheckpoint | Promise<CompletedCheckpoint>;
  /** Drop what was written for `id` (timeout, decline, stop). */
  abort(id: number): unknown;
}

export interface BeginOptions {
  readonly kind: CheckpointKind;
  /** Where a savepoint goes (savepoints only). */
  readonly targetDir?: string;
}

/** What the sources receive with a trigger: inject barrier `id` with these. */
export interface TriggerOptions {
  readonly kind: CheckpointKind;
  /** Clock time of the trigger (epoch ms). */
  readonly timestamp: number;
  /** The savepoint's target directory (savepoints only). */
  readonly targetDir?: string;
  /** The directory `store.begin` returned, if any: where tasks write their snapshot files. */
  readonly dir?: string;
}

/** How long a task stopped processing to take its snapshot (reported with its acknowledgement). */
export interface AckOptions {
  readonly pauseMs?: number;
}

/** The log calls the coordinator makes; a pino `Logger` fits. */
export interface CoordinatorLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** One completed checkpoint as the coordinator saw it. */
export interface CompletedCheckpointStats {
  readonly id: number;
  readonly kind: CheckpointKind;
  /** Trigger to the last acknowledgement (ms). */
  readonly durationMs: number;
  /** Sum of the task files' sizes. */
  readonly bytes: number;
  readonly keys: number;
  /** The longest pause a task reported for it (ms). */
  readonly longestPauseMs: number;
  /** The task that paused longest. */
  readonly longestPauseTask: string | undefined;
}

/** Optional hooks, called as things happen (for metrics: counters, histograms). */
export interface CoordinatorMetricsHooks {
  onCompleted?(stats: CompletedCheckpointStats): void;
  onAborted?(id: number, reason: string): void;
  /** A periodic trigger was skipped because a checkpoint (or a queued savepoint) was in flight. */
  onSkipped?(): void;
}

/** What `CheckpointCoordinator.stats()` shows. */
export interface CoordinatorStats {
  readonly last: CompletedCheckpointStats | undefined;
  /** The longest task pause over every completed checkpoint (ms). */
  readonly maxPauseMs: number;
  readonly completed: number;
  readonly aborted: number;
  readonly skipped: number;
  /** The checkpoint in flight, if any. */
  readonly pending: number | undefined;
  /** Savepoints waiting for the checkpoint in flight. */
  readonly queuedSavepoints: number;
}

export interface CheckpointCoordinatorOptions {
  readonly clock: Clock;
  /** Between periodic triggers (ms). Default 5000; `0`: no periodic ticker (checkpoints only on request). */
  readonly intervalMs?: number;
  /** A checkpoint not complete this long after its trigger is aborted (ms). Default 10 minutes, as Flink. */
  readonly timeoutMs?: number;
  readonly store: CoordinatorStore;
  /** Every task that must acknowledge, as `"<task>#<subtask>"`. */
  readonly expectedTasks: readonly string[];
  /** Injects barrier `id` at every source. */
  readonly triggerSources: (id: number, options: TriggerOptions) => void | Promise<void>;
  /**
   * Checkpoint `id` is durable: sources send the MQTT acks it covers. Sinks flushed before they
   * acknowledged. Its failure is logged; the checkpoint stays complete.
   */
  readonly notifyComplete: (id: number) => void | Promise<void>;
  /** Checkpoint `id` was given up: tasks drop its alignment and pending snapshot. */
  readonly notifyAborted?: (id: number, reason: string) => void;
  readonly logger?: CoordinatorLogger;
  readonly metrics?: CoordinatorMetricsHooks;
  /** Written into every manifest. */
  readonly job: CheckpointCompletion['job'];
  readonly maxParallelism: number;
  readonly parallelism: number;
}

/** A task's acknowledgement, kept until the checkpoint completes. */
export interface Acknowledgement {
  readonly handle: TaskStateHandle;
  readonly pauseMs: number;
}
