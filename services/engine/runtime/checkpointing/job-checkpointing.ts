import { CheckpointCoordinator } from '../../checkpoint/checkpoint-coordinator.ts';
import { CheckpointError } from '../../checkpoint/checkpoint-errors.ts';
import type {
  CheckpointKind,
  CompletedCheckpoint,
  RestoredState,
} from '../../checkpoint/checkpoint-types.ts';
import type {
  CompletedCheckpointStats,
  CoordinatorLogger,
  TriggerOptions,
} from '../../checkpoint/coordinator-types.ts';
import type { Cancel, Clock } from '../../time/clock.ts';
import type { ChainCheckpointer } from './chain-checkpointer.ts';
import type { CheckpointingOptions, JobCheckpointStats } from './checkpointing-options.ts';
import type { ParallelCheckpointing, ParallelTaskAck } from './parallel-checkpointing.ts';
import { writeStatelessSnapshot } from './stateless-snapshot.ts';

export type { CheckpointingOptions, JobCheckpointStats } from './checkpointing-options.ts';

/** What the job's checkpointing knows of the job. */
export interface CheckpointedJob {
  readonly name: string;
  readonly clock: Clock;
  readonly maxParallelism: number;
  readonly parallelism: number;
  /** Every stateful uid of the plan (sources, operators, sinks) and its fingerprint. */
  readonly uids: readonly string[];
  readonly fingerprint: string;
}

const quiet: CoordinatorLogger = { debug() {}, info() {}, warn() {}, error() {} };

interface Waiter {
  readonly after: number;
  readonly resolve: (stats: CompletedCheckpointStats) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A job's checkpoints: the coordinator (periodic, requested and savepoint triggers, acks, timeout,
 * completion), the main thread's chain as task `main#0`, the workers' tasks through
 * {@link ParallelCheckpointing}, and restoring at start. See `JobExecution` for when each phase runs.
 */
export class JobCheckpointing {
  readonly coordinator: CheckpointCoordinator;
  private readonly logger: CoordinatorLogger;
  private restored: RestoredState | undefined;
  private started = false;
  private stopped = false;
  private requested = false;
  /** False from the start of a stop with savepoint: completed checkpoints commit nothing. */
  private committing = true;
  private lastTriggered = 0;
  private readonly kinds = new Map<number, CheckpointKind>();
  /** Where checkpoints in flight write their files. */
  private readonly dirs = new Map<number, string>();
  private waiters: Waiter[] = [];
  private lastMain: JobCheckpointStats['main'];

  constructor(
    private readonly job: CheckpointedJob,
    private readonly chain: ChainCheckpointer,
    private readonly parallel: ParallelCheckpointing | undefined,
    private readonly options: CheckpointingOptions,
  ) {
    this.logger = options.logger ?? quiet;
    const intervalMs = options.intervalMs ?? 5_000;
    if (!(intervalMs >= 0)) throw new RangeError(`checkpoint interval must be >= 0 ms, got ${intervalMs}`);
    this.coordinator = new CheckpointCoordinator({
      clock: job.clock,
      intervalMs,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      store: options.store,
      expectedTasks: [chain.taskId, ...(parallel?.tasks() ?? [])],
      triggerSources: (id, trigger) => this.trigger(id, trigger),
      notifyComplete: (id) => {
        // A savepoint commits nothing (no MQTT PUBACKs): a restart restores the latest *checkpoint*,
        // which must still find every message after it unacknowledged. The messages a savepoint
        // covers are acknowledged by the next checkpoint; restoring the savepoint itself drops their
        // redeliveries (they are in its state).
        if (this.kinds.get(id) === 'savepoint' || !this.committing) return;
        this.chain.notifyComplete(id);
        this.parallel?.notifyComplete(id);
      },
      notifyAborted: (id, reason) => {
        this.chain.notifyAborted(id);
        this.parallel?.notifyAborted(id, reason);
      },
      logger: this.logger,
      metrics: {
        onCompleted: (stats) => this.onCompleted(stats),
        onAborted: (id, reason) =>
          this.onEnded(
            id,
            new CheckpointError('EDDY_CHECKPOINT_ABORTED', `checkpoint ${id} aborted: ${reason}`),
          ),
      },
      job: { name: job.name, fingerprint: job.fingerprint },
      maxParallelism: job.maxParallelism,
      parallelism: job.parallelism,
    });
    parallel?.onAck((ack) => void this.acknowledgeTask(ack));
    parallel?.onDecline((decline) => this.coordinator.decline(decline.id, decline.task, decline.reason));
  }

  /**
   * Before anything opens: checks the checkpoint to restore fits the job (same maxParallelism, no
   * state of unknown operators unless allowed) and loads the main chain's part of it.
   */
  async load(): Promise<void> {
    const checkpoint = this.options.restore;
    if (!checkpoint) return;
    const { manifest, dir } = checkpoint;
    const what = `${manifest.kind} ${manifest.id} (${dir})`;
    if (manifest.maxParallelism !== this.job.maxParallelism) {
      throw new CheckpointError(
        'EDDY_MAX_PARALLELISM_CHANGED',
        `cannot restore ${what}: it was taken with maxParallelism ${manifest.maxParallelism} and the job has ${this.job.maxParallelism}; ` +
          `state is split into key groups by maxParallelism: start the job with maxParallelism ${manifest.maxParallelism}`,
      );
    }
    const known = new Set(this.job.uids);
    const unknown = [...new Set(manifest.tasks.flatMap((task) => task.operators))].filter(
      (uid) => !known.has(uid),
    );
    if (unknown.length > 0) {
      const list = unknown.map((uid) => `"${uid}"`).join(', ');
      if (!this.options.allowNonRestoredState) {
        throw new CheckpointError(
          'EDDY_UNKNOWN_OPERATOR_STATE',
          `cannot restore ${what}: it holds state of operators this job does not have (${list}; the job has ${this.job.uids.join(', ')}). ` +
            'Restore a snapshot of this job, give operators their old uids, or allow non-restored state to drop it',
        );
      }
      this.logger.warn(
        { checkpoint: manifest.id, dropped: unknown },
        `restoring ${what}: dropping state of ${list}`,
      );
    }
    this.restored = await this.options.store.load(checkpoint, {
      keyGroupRange: { start: 0, end: this.job.maxParallelism - 1 },
      operators: this.chain.uids,
    });
  }

  /** After every operator opened, before any source opens: hands the loaded state over. */
  async restore(): Promise<void> {
    const restored = this.restored;
    if (!restored) return;
    this.restored = undefined;
    this.chain.restoreOperators(restored, this.options.allowNonRestoredState ?? false);
    await this.parallel?.restore(restored.checkpoint);
    this.chain.restoreSources(restored);
    const { manifest, dir } = restored.checkpoint;
    this.logger.info({ checkpoint: manifest.id, kind: manifest.kind, dir }, 'restored checkpoint');
  }

  /** Starts periodic checkpoints (after the sources opened). */
  async start(): Promise<void> {
    await this.coordinator.start();
    this.started = true;
    if (this.requested) this.requestCheckpoint();
  }

  /** A checkpoint soon: now, or as soon as the one in flight ends. Resolves when one taken after the call completes. */
  triggerCheckpoint(): Promise<CompletedCheckpointStats> {
    if (this.stopped)
      return Promise.reject(new CheckpointError('EDDY_CHECKPOINT_ABORTED', 'checkpointing is stopped'));
    const done = new Promise<CompletedCheckpointStats>((resolve, reject) => {
      this.waiters.push({ after: this.lastTriggered, resolve, reject });
    });
    this.requestCheckpoint();
    return done;
  }

  /** `SourceContext.requestCheckpoint`: respects one checkpoint in flight. */
  requestCheckpoint(): void {
    if (this.stopped) return;
    const { pending, queuedSavepoints } = this.coordinator.stats();
    if (!this.started || pending !== undefined || queuedSavepoints > 0) {
      this.requested = true;
      return;
    }
    this.requested = false;
    // An abort is logged by the coordinator and reaches the job through `onAborted`.
    this.coordinator.triggerCheckpoint().catch(() => {});
  }

  triggerSavepoint(targetDir: string): Promise<CompletedCheckpoint> {
    return this.coordinator.triggerSavepoint(targetDir);
  }

  /**
   * Stop with savepoint: from now on nothing is committed (no source hears of a completed
   * checkpoint, so no MQTT message is acknowledged), then the savepoint. A periodic checkpoint
   * completing after the savepoint would otherwise acknowledge messages the savepoint does not
   * hold, and a job restored from it would never see them. Messages of checkpoints before the
   * savepoint that stay unacknowledged are in its state: a restore drops their redeliveries.
   */
  finalSavepoint(targetDir: string): Promise<CompletedCheckpoint> {
    this.committing = false;
    return this.coordinator.triggerSavepoint(targetDir).catch((error: unknown) => {
      this.committing = true; // the job keeps running
      throw error;
    });
  }

  /**
   * Graceful stop: one last checkpoint, committed like any other (sinks flushed before it is
   * acknowledged; its completion reaches the sources, e.g. MQTT PUBACKs). Never rejects: when it
   * fails or does not complete within `timeoutMs` it logs a warning and resolves `undefined`; the
   * job then stops without it and the next start restores the previous checkpoint (the sources
   * replay what came after it, the MQTT broker redelivers what was not acknowledged).
   *
   * @example
   * await checkpointing.finalCheckpoint(20_000); // sources paused first, so it holds every record
   * await checkpointing.stop();
   */
  async finalCheckpoint(timeoutMs: number): Promise<CompletedCheckpointStats | undefined> {
    let cancel: Cancel = () => {};
    const timedOut = new Promise<never>((_, reject) => {
      cancel = this.job.clock.setTimeout(
        () => reject(new Error(`it did not complete within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const stats = await Promise.race([this.triggerCheckpoint(), timedOut]);
      this.logger.info(
        { checkpoint: stats.id },
        `job ${this.job.name}: final checkpoint ${stats.id} completed`,
      );
      return stats;
    } catch (error) {
      this.logger.warn(
        { err: error },
        `job ${this.job.name}: no final checkpoint (${errorMessage(error)}); stopping without it: the next start ` +
          'restores the previous checkpoint and the sources replay what came after it (nothing is lost)',
      );
      return undefined;
    } finally {
      cancel();
    }
  }

  stats(): JobCheckpointStats {
    return { ...this.coordinator.stats(), ...(this.lastMain ? { main: this.lastMain } : {}) };
  }

  /** Stops triggering; a checkpoint in flight is aborted (one being finalized completes). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.coordinator.stop();
    const error = new CheckpointError(
      'EDDY_CHECKPOINT_ABORTED',
      'checkpointing stopped before the checkpoint completed',
    );
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  /** Checkpoint `id` starts: capture the main chain now, between two records; persist it, then acknowledge. */
  private trigger(id: number, trigger: TriggerOptions): void {
    const dir = trigger.dir ?? trigger.targetDir;
    if (dir === undefined) throw new Error(`checkpoint ${id}: the store gave no directory to write to`);
    this.lastTriggered = id;
    this.kinds.set(id, trigger.kind);
    this.dirs.set(id, dir);
    const captured = this.chain.capture(id);
    this.parallel?.trigger(id, { ...trigger, dir });
    this.chain.persist(captured, dir).then(
      (ack) => {
        const { pauseMs, longestSliceMs, slices, persistMs } = ack;
        this.lastMain = { id, pauseMs, longestSliceMs, slices, persistMs };
        this.coordinator.acknowledge(id, this.chain.taskId, ack.handle, { pauseMs });
      },
      (error) =>
        this.coordinator.decline(
          id,
          this.chain.taskId,
          error instanceof Error ? error.message : String(error),
        ),
    );
  }

  /** A worker task's acknowledgement; one without state gets an empty snapshot file first. */
  private async acknowledgeTask(ack: ParallelTaskAck): Promise<void> {
    let handle = ack.handle;
    if (handle === null) {
      const dir = this.dirs.get(ack.id);
      if (dir === undefined) return; // not in flight any more
      try {
        handle = await writeStatelessSnapshot(dir, ack.task);
      } catch (error) {
        this.coordinator.decline(
          ack.id,
          ack.task,
          `could not write its empty snapshot: ${errorMessage(error)}`,
        );
        return;
      }
    }
    this.coordinator.acknowledge(ack.id, ack.task, handle, { pauseMs: ack.pauseMs });
  }

  private onCompleted(stats: CompletedCheckpointStats): void {
    const { id, kind, durationMs, bytes, keys, longestPauseMs } = stats;
    const main = this.lastMain?.id === id ? { longestSliceMs: this.lastMain.longestSliceMs } : {};
    this.logger.info(
      { checkpoint: id, kind, durationMs, bytes, keys, pauseMs: longestPauseMs, ...main },
      `${kind} completed`,
    );
    this.onEnded(id, undefined, stats);
  }

  /** Settles the waiters a checkpoint (not a savepoint) triggered after their call answers; runs a deferred request. */
  private onEnded(id: number, error: unknown, stats?: CompletedCheckpointStats): void {
    const kind = this.kinds.get(id);
    this.kinds.delete(id);
    this.dirs.delete(id);
    if (kind !== 'savepoint') {
      const settled = this.waiters.filter((waiter) => id > waiter.after);
      this.waiters = this.waiters.filter((waiter) => id <= waiter.after);
      for (const waiter of settled) stats ? waiter.resolve(stats) : waiter.reject(error);
    }
    if (this.requested) this.requestCheckpoint();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
