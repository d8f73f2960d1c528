import type { Clock } from '../time/clock.ts';

/** What a {@link BarrierAligner} tells the task it aligns. */
export interface BarrierAlignerListener {
  /** Every live input delivered barrier `checkpointId`: snapshot the task's state now (called once per id). */
  snapshot(checkpointId: number): void;
  /**
   * These inputs were blocked and may be consumed again (after `snapshot`, or after an abort).
   * What they hold waits in their bounded channels meanwhile, never in an unbounded queue.
   */
  resume?(inputs: readonly number[]): void;
  /** Alignment of `checkpointId` stopped without a snapshot: a newer barrier overtook it, or `abort()`. */
  aborted?(checkpointId: number, reason: string): void;
}

/** Counters of one aligner, for inspection. */
export interface BarrierAlignerMetrics {
  /** Checkpoints aligned and snapshotted. */
  readonly aligned: number;
  /** Checkpoints whose alignment was abandoned (overtaken or aborted). */
  readonly aborted: number;
  /** Barriers ignored: older than the newest checkpoint seen, or repeated on one input. */
  readonly ignoredBarriers: number;
  /** How long the last alignment took, first barrier to snapshot (ms). */
  readonly lastAlignmentMs: number;
  /** The longest alignment so far (ms). */
  readonly maxAlignmentMs: number;
  /** The checkpoint being aligned, if any. */
  readonly aligning: number | undefined;
  /** Inputs blocked right now. */
  readonly blockedInputs: number;
}

/**
 * Aligned checkpoint barriers for a task with `inputs` inputs, as Flink's aligned
 * `SingleCheckpointBarrierHandler` does. A barrier splits each input's stream into before and
 * after checkpoint `id`; the task's snapshot must hold exactly the "before" of every input.
 *
 * - `onBarrier(input, id)` blocks `input`: the caller stops consuming it (`isBlocked`) until every
 *   live input has delivered barrier `id`; then `snapshot(id)` is called once and all inputs resume.
 * - An input at end of input (`onEndOfInput`) counts as aligned, now and for later checkpoints.
 *   With a single live input, a barrier aligns at once.
 * - A barrier with a newer id while `id` aligns abandons `id` (`aborted`, inputs unblocked) and
 *   starts aligning the newer one; barriers of `id` arriving later are ignored, as are repeats.
 * - `abort(id)` abandons alignment of `id` and of anything older (the coordinator gave it up).
 *
 * Pure logic: no I/O, time only from the injected clock (alignment duration).
 *
 * @example
 * const aligner = new BarrierAligner(2, { snapshot: (id) => console.log('snapshot', id) }, clock);
 * aligner.onBarrier(0, 7); // input 0 blocked: isBlocked(0) === true
 * aligner.onBarrier(1, 7); // snapshot 7; both inputs unblocked
 */
export class BarrierAligner {
  private readonly blocked: boolean[];
  private readonly ended: boolean[];
  private blockedCount = 0;
  private endedCount = 0;
  /** The newest checkpoint id seen (aligned, aligning or abandoned): older barriers are stale. */
  private newest = Number.NEGATIVE_INFINITY;
  private aligningId: number | undefined;
  private startedAt = 0;
  private alignedCount = 0;
  private abortedCount = 0;
  private ignored = 0;
  private lastMs = 0;
  private maxMs = 0;

  constructor(
    readonly inputs: number,
    private readonly listener: BarrierAlignerListener,
    private readonly clock?: Clock,
  ) {
    if (!Number.isInteger(inputs) || inputs < 1)
      throw new RangeError(`a barrier aligner needs at least one input, got ${inputs}`);
    this.blocked = new Array<boolean>(inputs).fill(false);
    this.ended = new Array<boolean>(inputs).fill(false);
  }

  /** True while `input` delivered the barrier being aligned: do not consume it. */
  isBlocked(input: number): boolean {
    return this.blocked[this.check(input)]!;
  }

  /** The checkpoint being aligned, if any. */
  get aligning(): number | undefined {
    return this.aligningId;
  }

  /** Input `input` delivered barrier `checkpointId`. */
  onBarrier(input: number, checkpointId: number): void {
    this.check(input);
    if (this.ended[input] || checkpointId < this.newest) {
      this.ignored++;
      return;
    }
    if (checkpointId > this.newest) {
      if (this.aligningId !== undefined)
        this.abandon(`overtaken by checkpoint ${checkpointId} on input ${input}`);
      this.newest = checkpointId;
      this.aligningId = checkpointId;
      this.startedAt = this.clock?.now() ?? 0;
    } else if (this.aligningId !== checkpointId || this.blocked[input]) {
      this.ignored++; // already aligned or abandoned, or a repeat on this input
      return;
    }
    if (this.blockedCount + this.endedCount + 1 >= this.inputs) {
      this.complete(); // the last barrier: this input need not be blocked at all
      return;
    }
    this.blocked[input] = true;
    this.blockedCount++;
  }

  /** Input `input` ended: it counts as aligned from now on (it will deliver no more barriers). */
  onEndOfInput(input: number): void {
    this.check(input);
    if (this.ended[input]) return;
    this.ended[input] = true;
    this.endedCount++;
    if (this.blocked[input]) {
      this.blocked[input] = false; // counted as ended, not as blocked
      this.blockedCount--;
    }
    if (this.aligningId !== undefined && this.blockedCount + this.endedCount >= this.inputs) this.complete();
  }

  /** Abandons alignment of `checkpointId` (and anything older); its late barriers are ignored. */
  abort(checkpointId: number, reason = 'aborted by the coordinator'): void {
    if (checkpointId > this.newest) this.newest = checkpointId;
    if (this.aligningId !== undefined && this.aligningId <= checkpointId) this.abandon(reason);
  }

  metrics(): BarrierAlignerMetrics {
    return {
      aligned: this.alignedCount,
      aborted: this.abortedCount,
      ignoredBarriers: this.ignored,
      lastAlignmentMs: this.lastMs,
      maxAlignmentMs: this.maxMs,
      aligning: this.aligningId,
      blockedInputs: this.blockedCount,
    };
  }

  /** Every live input delivered the barrier being aligned. */
  private complete(): void {
    const id = this.aligningId!;
    const ms = (this.clock?.now() ?? 0) - this.startedAt;
    this.lastMs = ms;
    if (ms > this.maxMs) this.maxMs = ms;
    this.alignedCount++;
    this.aligningId = undefined;
    // unblock before snapshotting, so a failing snapshot leaves no input blocked for good
    const resumed = this.unblockAll();
    this.listener.snapshot(id);
    if (resumed.length > 0) this.listener.resume?.(resumed);
  }

  private abandon(reason: string): void {
    const id = this.aligningId!;
    this.aligningId = undefined;
    this.abortedCount++;
    const resumed = this.unblockAll();
    this.listener.aborted?.(id, reason);
    if (resumed.length > 0) this.listener.resume?.(resumed);
  }

  private unblockAll(): number[] {
    const resumed: number[] = [];
    for (let i = 0; i < this.inputs; i++) {
      if (!this.blocked[i]) continue;
      this.blocked[i] = false;
      resumed.push(i);
    }
    this.blockedCount = 0;
    return resumed;
  }

  private check(input: number): number {
    if (!Number.isInteger(input) || input < 0 || input >= this.inputs)
      throw new RangeError(`input ${input} out of range [0, ${this.inputs})`);
    return input;
  }
}
