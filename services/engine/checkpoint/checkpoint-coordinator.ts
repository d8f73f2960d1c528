import { type Cancel, every } from '../time/clock.ts';
import { CheckpointError } from './checkpoint-errors.ts';
import type { CheckpointKind, CompletedCheckpoint, TaskStateHandle } from './checkpoint-types.ts';
import { type CheckpointRequest, deferredRequest, PendingCheckpoint } from './coordinator-pending.ts';
import type {
  AckOptions,
  CheckpointCoordinatorOptions,
  CompletedCheckpointStats,
  CoordinatorLogger,
  CoordinatorStats,
} from './coordinator-types.ts';

export type * from './coordinator-types.ts';

const DEFAULT_INTERVAL_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

const quietLogger: CoordinatorLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Triggers checkpoints and decides when one is complete, as Flink's `CheckpointCoordinator`.
 *
 * Every `intervalMs` (on the injected clock; `0`: no periodic ticker, checkpoints only through
 * {@link triggerCheckpoint} and savepoints) it takes the next id, calls `store.begin` and
 * `triggerSources` (which inject barrier `id`). Tasks snapshot on aligned barriers and
 * `acknowledge` with their durable `TaskStateHandle`; when every expected task has, the store
 * writes the manifest (`complete`: now it is durable), then `notifyComplete(id)` lets sources
 * acknowledge the MQTT messages it covers. A `decline` or the timeout aborts it instead.
 *
 * One checkpoint is in flight at a time: a periodic tick meanwhile is skipped (and counted); a
 * checkpoint or savepoint asked for meanwhile waits and starts when it ends (requested
 * checkpoints waiting together are one). Ids start at `store.nextId()`
 * and are never reused, aborted ones included. Acks for ids not in flight are ignored.
 *
 * @example
 * const coordinator = new CheckpointCoordinator({ clock, store, expectedTasks: ['window#0'],
 *   triggerSources: (id) => sources.injectBarrier(id), notifyComplete: (id) => sources.ack(id),
 *   job: { name: 'eddy', fingerprint }, maxParallelism: 128, parallelism: 1 });
 * await coordinator.start();
 * // a task, after its snapshot file is durable:
 * coordinator.acknowledge(id, 'window#0', handle, { pauseMs: 3 });
 */
export class CheckpointCoordinator {
  private readonly logger: CoordinatorLogger;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly expected: ReadonlySet<string>;
  private nextId: number | undefined;
  private initializing: Promise<void> | undefined;
  private cancelTicker: Cancel = () => {};
  private pending: PendingCheckpoint | undefined;
  private readonly queue: CheckpointRequest[] = [];
  private stopped = false;
  private last: CompletedCheckpointStats | undefined;
  private maxPauseMs = 0;
  private completedCount = 0;
  private abortedCount = 0;
  private skippedCount = 0;

  constructor(private readonly options: CheckpointCoordinatorOptions) {
    this.logger = options.logger ?? quietLogger;
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.intervalMs >= 0 && Number.isFinite(this.intervalMs)))
      throw new RangeError(`checkpoint interval must be a finite number of ms >= 0, got ${this.intervalMs}`);
    if (!(this.timeoutMs > 0))
      throw new RangeError(`checkpoint timeout must be > 0 ms, got ${this.timeoutMs}`);
    if (options.expectedTasks.length === 0)
      throw new RangeError('a checkpoint coordinator needs at least one task');
    this.expected = new Set(options.expectedTasks);
  }

  /** Reads the first id from the store and starts periodic checkpoints (none with `intervalMs: 0`). */
  async start(): Promise<void> {
    await this.init();
    if (this.stopped || this.intervalMs === 0) return;
    this.cancelTicker = every(this.options.clock, this.intervalMs, () => this.tick());
  }

  /**
   * Takes a checkpoint as a periodic tick does: now, or right after the checkpoint (or savepoint)
   * in flight ends; requests waiting together share one checkpoint. Resolves when it is durable;
   * rejects if it is aborted or the coordinator stops first.
   *
   * @example
   * const { manifest } = await coordinator.triggerCheckpoint(); // manifest.id: the checkpoint taken
   */
  async triggerCheckpoint(): Promise<CompletedCheckpoint> {
    await this.init();
    if (this.stopped) throw aborted('checkpoint', 'the checkpoint coordinator is stopped');
    const waiting = this.queue.find((request) => request.kind === 'checkpoint' && request.completion);
    if (waiting?.completion) return waiting.completion;
    const request = deferredRequest('checkpoint');
    this.queue.push(request);
    this.startNext();
    return request.completion!;
  }

  /**
   * Takes a savepoint into `targetDir`: now, or once the checkpoint in flight ends (never
   * interleaved with it). Resolves when it is durable; rejects if it is aborted.
   */
  async triggerSavepoint(targetDir: string): Promise<CompletedCheckpoint> {
    await this.init();
    if (this.stopped) throw aborted('savepoint', 'the checkpoint coordinator is stopped');
    const request = deferredRequest('savepoint', targetDir);
    this.queue.push(request);
    this.startNext();
    return request.completion!;
  }

  /** Task `taskId` snapshotted checkpoint `id` durably. */
  acknowledge(id: number, taskId: string, handle: TaskStateHandle, options: AckOptions = {}): void {
    const pending = this.accepting(id, taskId, 'acknowledgement');
    if (!pending) return;
    const state = pending.acknowledge(taskId, handle, options.pauseMs ?? 0);
    if (state === 'repeat')
      this.logger.debug({ checkpoint: id, task: taskId }, 'checkpoint: repeated acknowledgement ignored');
    else if (state === 'complete') pending.finalizing = this.finalize(pending);
  }

  /** Task `taskId` cannot take checkpoint `id`: it is aborted. */
  decline(id: number, taskId: string, reason: string): void {
    const pending = this.accepting(id, taskId, 'decline');
    if (pending) void this.abort(pending, `declined by ${taskId}: ${reason}`);
  }

  stats(): CoordinatorStats {
    return {
      last: this.last,
      maxPauseMs: this.maxPauseMs,
      completed: this.completedCount,
      aborted: this.abortedCount,
      skipped: this.skippedCount,
      pending: this.pending?.id,
      queuedSavepoints: this.queue.filter((request) => request.kind === 'savepoint').length,
    };
  }

  /**
   * Stops triggering, aborts the checkpoint in flight (one already being made durable is let
   * finish) and rejects queued savepoints.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTicker();
    for (const request of this.queue.splice(0))
      request.reject?.(aborted(request.kind, 'the checkpoint coordinator stopped'));
    const pending = this.pending;
    if (!pending) return;
    if (pending.finalizing) await pending.finalizing;
    else await this.abort(pending, 'the checkpoint coordinator stopped');
  }

  private init(): Promise<void> {
    this.initializing ??= (async () => {
      this.nextId = await this.options.store.nextId();
    })();
    return this.initializing;
  }

  private tick(): void {
    if (this.pending || this.queue.length > 0) {
      this.skippedCount++;
      this.logger.debug(
        { pending: this.pending?.id },
        'checkpoint: still one in flight, periodic trigger skipped',
      );
      this.options.metrics?.onSkipped?.();
      return;
    }
    this.queue.push({ kind: 'checkpoint' });
    this.startNext();
  }

  /** Starts the next queued request if none is in flight. */
  private startNext(): void {
    if (this.pending || this.stopped) return;
    const request = this.queue.shift();
    if (request) void this.trigger(request);
  }

  private async trigger(request: CheckpointRequest): Promise<void> {
    const { clock, store } = this.options;
    const id = this.nextId!;
    this.nextId = id + 1;
    const pending = new PendingCheckpoint(id, request, clock.now(), this.expected);
    this.pending = pending;
    pending.cancelTimeout = clock.setTimeout(
      () =>
        void this.abort(pending, `timed out after ${this.timeoutMs} ms, waiting for ${pending.missing()}`),
      this.timeoutMs,
    );
    const { kind, targetDir } = request;
    this.logger.debug({ checkpoint: id, kind }, 'checkpoint: triggered');
    try {
      const dir = await store.begin(id, { kind, ...(targetDir === undefined ? {} : { targetDir }) });
      if (pending.done) return;
      await this.options.triggerSources(id, {
        kind,
        timestamp: pending.triggeredAt,
        ...(targetDir === undefined ? {} : { targetDir }),
        ...(typeof dir === 'string' ? { dir } : {}),
      });
    } catch (error) {
      await this.abort(pending, `could not start: ${errorMessage(error)}`);
    }
  }

  private async finalize(pending: PendingCheckpoint): Promise<void> {
    const { clock, store } = this.options;
    pending.cancelTimeout();
    const durationMs = clock.now() - pending.triggeredAt;
    const { id, kind } = pending;
    let completed: CompletedCheckpoint;
    try {
      completed = await store.complete({
        id,
        kind,
        durationMs,
        job: this.options.job,
        maxParallelism: this.options.maxParallelism,
        parallelism: this.options.parallelism,
        tasks: pending.handles(),
      });
    } catch (error) {
      pending.finalizing = undefined;
      await this.abort(pending, `could not be made durable: ${errorMessage(error)}`);
      return;
    }
    const stats = pending.stats(durationMs);
    this.last = stats;
    this.completedCount++;
    if (stats.longestPauseMs > this.maxPauseMs) this.maxPauseMs = stats.longestPauseMs;
    this.logger.debug({ checkpoint: id, ...stats }, `${kind} ${id} complete`);
    try {
      await this.options.notifyComplete(id);
    } catch (error) {
      this.logger.error({ checkpoint: id, err: error }, `${kind} ${id}: notifying completion failed`);
    }
    pending.done = true;
    this.pending = undefined;
    pending.request.resolve?.(completed);
    this.options.metrics?.onCompleted?.(stats);
    this.startNext();
  }

  private async abort(pending: PendingCheckpoint, reason: string): Promise<void> {
    if (!pending.open) return;
    pending.done = true;
    pending.cancelTimeout();
    if (this.pending === pending) this.pending = undefined;
    this.abortedCount++;
    const { kind } = pending;
    this.logger.warn({ checkpoint: pending.id, kind, reason }, `${kind} ${pending.id} aborted: ${reason}`);
    try {
      await this.options.store.abort(pending.id);
    } catch (error) {
      this.logger.error({ checkpoint: pending.id, err: error }, `${kind} ${pending.id}: cleaning up failed`);
    }
    try {
      this.options.notifyAborted?.(pending.id, reason);
    } catch (error) {
      this.logger.error(
        { checkpoint: pending.id, err: error },
        `${kind} ${pending.id}: notifying the abort failed`,
      );
    }
    pending.request.reject?.(aborted(kind, reason, pending.id));
    this.options.metrics?.onAborted?.(pending.id, reason);
    this.startNext();
  }

  /** The checkpoint in flight if it is `id` and still takes acks from `taskId`; else logs and returns nothing. */
  private accepting(id: number, taskId: string, what: string): PendingCheckpoint | undefined {
    const pending = this.pending;
    if (!pending || pending.id !== id || !pending.open) {
      this.logger.debug(
        { checkpoint: id, task: taskId, pending: pending?.id },
        `checkpoint: ${what} for an id not in flight ignored`,
      );
      return undefined;
    }
    if (!this.expected.has(taskId)) {
      this.logger.debug({ checkpoint: id, task: taskId }, `checkpoint: ${what} from an unknown task ignored`);
      return undefined;
    }
    return pending;
  }
}

function aborted(kind: CheckpointKind, reason: string, id?: number): CheckpointError {
  const what = id === undefined ? kind : `${kind} ${id}`;
  return new CheckpointError('EDDY_CHECKPOINT_ABORTED', `${what} aborted: ${reason}`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
