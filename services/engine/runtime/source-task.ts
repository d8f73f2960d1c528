import type { Source, SourceContext } from '../api/source.ts';
import { type Cancel, type Clock, every } from '../time/clock.ts';
import { MAX_WATERMARK, MIN_WATERMARK } from '../time/watermark.ts';
import type { WatermarkGenerator } from '../time/watermark-generator.ts';
import type { TimestampAssigner, WatermarkStrategy } from '../time/watermark-strategy.ts';
import type { TaskStatusOutput } from './channels/task-outputs.ts';
import type { RestoredSourceInput, SourceTaskState } from './checkpointing/source-state.ts';
import type { Downstream } from './output.ts';

export interface SourceMetrics {
  readonly name: string;
  readonly recordsOut: number;
  readonly watermark: number;
  readonly ended: boolean;
  /** True while backpressure holds the source (parallelism > 1). */
  readonly paused?: boolean;
  /** How often backpressure paused the source. */
  readonly pauses?: number;
  /** True while no record came for the idleness timeout (`WatermarkStrategy.withIdleness`). */
  readonly idle?: boolean;
  /** The split a parallel source's subtask reads. */
  readonly subtask?: number;
}

/**
 * Runs one source: gives each record its event time, feeds the chain, and emits watermarks after
 * every batch and every `emitIntervalMs` (so a quiet stream still advances). Watermarks only grow.
 * A failure anywhere downstream is reported to `onFailure` and stops further records.
 *
 * At parallelism > 1 the chain ends in exchanges (`status`): the task marks them idle after the
 * strategy's idleness timeout without records (active again on the next record), ends them at end
 * of input, and is paused and resumed by their backpressure (`pause` / `resume`).
 *
 * Checkpoints: `snapshotState` (between two records) returns the source's position with the
 * largest timestamp seen and the watermark emitted ({@link SourceTaskState}); `restoreState`
 * (before `open`) gives them back, and `open` re-emits the restored watermark before the source
 * hands over its first record, so replayed records are judged late exactly as before the crash.
 */
export class SourceTask<T> implements SourceContext<T> {
  private readonly assignTimestamp: TimestampAssigner<T>;
  private readonly generator: WatermarkGenerator;
  private watermark = MIN_WATERMARK;
  private recordsOut = 0;
  private ended = false;
  private failed = false;
  private cancelTicker: Cancel = () => {};
  private readonly idleTimeoutMs: number | undefined;
  private lastRecordAt = 0;
  private idle = false;
  private paused = false;
  private pauses = 0;
  private maxTimestamp = Number.NEGATIVE_INFINITY;
  private restoredWatermark = false;
  /** Set by the source while it cannot reach its input (`markUnavailable`). */
  private unavailable = false;
  /** Set by the job when it takes checkpoints (see `SourceContext.requestCheckpoint`). */
  requestCheckpoint: (() => void) | undefined;

  constructor(
    readonly source: Source<T>,
    private readonly strategy: WatermarkStrategy<T>,
    private readonly output: Downstream<T>,
    readonly clock: Clock,
    private readonly onFailure: (error: unknown) => void,
    private readonly onEnd: () => void,
    /** The exchanges the chain ends in (parallelism > 1): told about idleness and the end. */
    private readonly status?: TaskStatusOutput,
    private readonly subtask?: number,
  ) {
    this.assignTimestamp = strategy.timestampAssigner!;
    this.generator = strategy.createGenerator();
    this.idleTimeoutMs = status ? strategy.idleTimeoutMs : undefined;
  }

  async open(): Promise<void> {
    this.lastRecordAt = this.clock.now();
    if (this.restoredWatermark) this.guard(() => this.output.emitWatermark(this.watermark));
    this.cancelTicker = every(this.clock, this.strategy.emitIntervalMs, () =>
      this.guard(() => this.onTick()),
    );
    await this.source.open(this);
    // Connecting and subscribing (or a restored job's workers starting) was not silence either.
    if (!this.ended && !this.failed) this.silenceStartsNow();
  }

  /** Backpressure: the chain's outputs are full. Holds the source (it stops reading its input). */
  pause(): void {
    if (this.paused || this.ended) return;
    this.paused = true;
    this.pauses++;
    this.source.pause?.();
  }

  /** The outputs have room again. A source may hand over held records from inside `resume()`. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.ended || this.failed) return;
    // Held back by the job itself, the input was not silent: the quiet period counts from now.
    this.silenceStartsNow();
    this.source.resume?.();
  }

  async close(): Promise<void> {
    this.cancelTicker();
    await this.source.close();
  }

  collect(record: T): void {
    if (this.failed || this.ended) return;
    this.guard(() => {
      const now = this.clock.now();
      if (this.idle) this.wakeUp();
      this.lastRecordAt = now;
      this.push(record, now);
      this.emitWatermark();
    });
  }

  collectBatch(records: readonly T[], from = 0, to = records.length): void {
    if (this.failed || this.ended) return;
    this.guard(() => {
      const now = this.clock.now();
      const start = Math.max(0, from);
      const end = Math.min(to, records.length);
      if (end > start) {
        if (this.idle) this.wakeUp();
        this.lastRecordAt = now;
      }
      // the record loop of `push`, with what it uses in locals (the hot path of every job)
      const assignTimestamp = this.assignTimestamp;
      const generator = this.generator;
      const output = this.output;
      let maxTimestamp = this.maxTimestamp;
      let out = 0;
      try {
        for (let i = start; i < end; i++) {
          const record = records[i]!;
          const timestamp = assignTimestamp(record);
          if (timestamp > maxTimestamp) maxTimestamp = timestamp;
          generator.onEvent(timestamp, now);
          out++;
          output.collect(record, timestamp);
        }
      } finally {
        // also when a record fails: what went out so far, as `push` counts
        this.maxTimestamp = maxTimestamp;
        this.recordsOut += out;
      }
      this.emitWatermark(now);
    });
  }

  /** The source's input is out of reach (or back): see `SourceContext.markUnavailable`. */
  markUnavailable(unavailable: boolean): void {
    if (unavailable === this.unavailable) return;
    this.unavailable = unavailable;
    if (unavailable || this.ended || this.failed) return;
    // The outage was not silence: the quiet period and the idleness timeout count from now.
    this.silenceStartsNow();
  }

  /** Restarts the quiet period and the idleness timeout: the input could not speak until now. */
  private silenceStartsNow(): void {
    const now = this.clock.now();
    this.lastRecordAt = now;
    if (this.maxTimestamp > Number.NEGATIVE_INFINITY) this.generator.onEvent(this.maxTimestamp, now);
  }

  endOfInput(): void {
    if (this.ended || this.failed) return;
    this.ended = true;
    this.cancelTicker();
    this.guard(() => {
      this.advanceWatermark(MAX_WATERMARK);
      this.status?.end();
    });
    this.onEnd();
  }

  /** Fires every remaining event-time window of this source's chain (drain on stop). */
  drain(): void {
    if (this.failed) return;
    this.guard(() => this.advanceWatermark(MAX_WATERMARK));
  }

  /**
   * After `close()` at parallelism > 1: ends the chain's exchanges (after the `MAX_WATERMARK` of
   * a drain), so the tasks downstream finish what is in flight and end too.
   */
  finish(drain: boolean): void {
    if (this.failed) return;
    this.ended = true;
    this.cancelTicker();
    this.guard(() => {
      if (drain) this.advanceWatermark(MAX_WATERMARK);
      this.status?.end();
    });
  }

  /** The source's position and event-time progress, now (called between two records). */
  snapshotState(checkpointId: number): SourceTaskState {
    const snapshot = this.source.snapshotState;
    return {
      hasSource: snapshot !== undefined,
      ...(snapshot === undefined ? {} : { source: snapshot.call(this.source, checkpointId) }),
      maxTimestamp: this.maxTimestamp,
      watermark: this.watermark,
    };
  }

  /** Before `open`: the source's restored position and event-time progress (see `sourceRestoreInput`). */
  restoreState(restored: RestoredSourceInput): void {
    if (restored.source) {
      if (typeof this.source.restoreState !== 'function') {
        throw new Error(
          `source "${this.source.name}" has state in the checkpoint but cannot restore it (no restoreState): ` +
            'was the job changed to another source?',
        );
      }
      this.source.restoreState(restored.source.state);
    }
    this.maxTimestamp = restored.maxTimestamp;
    if (restored.maxTimestamp > Number.NEGATIVE_INFINITY) {
      this.generator.onEvent(restored.maxTimestamp, this.clock.now());
    }
    if (restored.watermark > this.watermark) {
      this.watermark = restored.watermark;
      this.restoredWatermark = true;
    }
  }

  /** After the chain's snapshot: barrier `checkpointId` follows every record handed over so far. */
  emitBarrier(checkpointId: number): void {
    this.output.emitBarrier?.(checkpointId);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.source.notifyCheckpointComplete?.(checkpointId);
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.source.notifyCheckpointAborted?.(checkpointId);
  }

  metrics(): SourceMetrics {
    return {
      name: this.source.name,
      recordsOut: this.recordsOut,
      watermark: this.watermark,
      ended: this.ended,
      ...(this.status ? { paused: this.paused, pauses: this.pauses, idle: this.idle } : {}),
      ...(this.subtask === undefined ? {} : { subtask: this.subtask }),
    };
  }

  private onTick(): void {
    // Event time waits for the input to be back, or for the job to take records again.
    if (this.unavailable || this.paused) return;
    const timeout = this.idleTimeoutMs;
    if (timeout !== undefined && !this.idle && this.clock.now() - this.lastRecordAt >= timeout) {
      this.idle = true;
      this.status!.markIdle();
    }
    this.emitWatermark();
  }

  private wakeUp(): void {
    this.idle = false;
    this.status!.markActive();
  }

  private push(record: T, now: number): void {
    const timestamp = this.assignTimestamp(record);
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    this.generator.onEvent(timestamp, now);
    this.recordsOut++;
    this.output.collect(record, timestamp);
  }

  /** `now`: processing time, when the caller has just read it. */
  private emitWatermark(now = this.clock.now()): void {
    if (this.ended) return;
    this.advanceWatermark(this.generator.currentWatermark(now));
  }

  private advanceWatermark(watermark: number): void {
    if (watermark <= this.watermark) return;
    this.watermark = watermark;
    this.output.emitWatermark(watermark);
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.failed = true;
      this.cancelTicker();
      this.onFailure(error);
    }
  }
}
