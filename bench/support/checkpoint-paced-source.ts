import type { Reading } from '../../services/domain/reading.ts';
import type { Source, SourceContext } from '../../services/engine/api/source.ts';

/** Event time of the first reading; every reading falls in the 10 s window starting here. */
export const CHECKPOINT_BENCH_START = 1_700_000_000_000;
/** Readings spread their event time over this much of the window (the watermark stays below its end). */
const SPREAD_MS = 8_000;
/** Readings per batch while filling the state or running to the end. */
const FAST_BATCH = 1_000;
/** Most readings one paced batch hands over (when it has fallen behind). */
const MAX_PACED_BATCH = 5_000;

/**
 * Reading `i` of the input: device `dev-<i mod keys>`, its value the round `floor(i / keys)`, its
 * event time within one window. So after `rounds * keys` readings every device's window holds
 * `rounds` values 0…rounds-1 (count `rounds`, mean `(rounds - 1) / 2`): a restore that lost or
 * repeated readings shows in the counts.
 */
export function checkpointBenchReading(i: number, devices: readonly string[]): Reading {
  const keys = devices.length;
  return {
    device: devices[i % keys]!,
    metric: 'temperature',
    ts: CHECKPOINT_BENCH_START + (i % SPREAD_MS),
    value: Math.floor(i / keys),
  };
}

/** Device ids `dev-0` … `dev-<keys-1>`, made once (no string building on the measured path). */
export function checkpointBenchDevices(keys: number): string[] {
  return Array.from({ length: keys }, (_, i) => `dev-${i}`);
}

export interface PacedSourceOptions {
  readonly devices: readonly string[];
  /** Readings per second once the state is filled. */
  readonly ratePerSec: number;
  /** Readings handed over as fast as the job takes them first (fills the state), from position 0. */
  readonly fill: number;
  /** Bounded: hand over readings up to this position as fast as the job takes them, then end the input. */
  readonly end?: number;
}

/**
 * A deterministic source for the checkpoint benchmark: reading `i` is {@link checkpointBenchReading}.
 * It first hands over `fill` readings in batches, one per event-loop turn; then, unbounded, it keeps
 * a steady `ratePerSec` with a batch every millisecond (a timer), so that anything holding the
 * thread shows as a gap between two batches ({@link maxGapMs}). Its checkpointed state is its
 * position (the next reading), so a restored run goes on where the checkpoint was taken. Pausable.
 */
export class PacedSource implements Source<Reading> {
  readonly name = 'paced';
  /** The next reading to hand over. */
  position = 0;
  /** The position a restore set (`undefined` when the source started from scratch). */
  restoredFrom: number | undefined;
  private paused = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private lastBatchAt = -1;
  private gapMs = 0;

  constructor(private readonly options: PacedSourceOptions) {}

  /** Longest time between two batches since {@link resetGaps} (ms), while paced. */
  get maxGapMs(): number {
    return this.gapMs;
  }

  resetGaps(): void {
    this.gapMs = 0;
  }

  snapshotState(): unknown {
    return { position: this.position };
  }

  restoreState(state: unknown): void {
    this.position = (state as { position: number }).position;
    this.restoredFrom = this.position;
  }

  async open(ctx: SourceContext<Reading>): Promise<void> {
    void this.run(ctx);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
  }

  private async run(ctx: SourceContext<Reading>): Promise<void> {
    const { fill, end, ratePerSec } = this.options;
    const batch: Reading[] = [];
    let pacedFrom = -1;
    let pacedStart = 0;
    while (!this.closed) {
      while (this.paused && !this.closed) await new Promise<void>((resolve) => (this.wake = resolve));
      if (this.closed) break;
      const fast = end !== undefined || this.position < fill;
      let upTo: number;
      if (fast) {
        upTo = Math.min(this.position + FAST_BATCH, end ?? fill);
      } else {
        const now = performance.now();
        if (pacedFrom < 0) {
          pacedFrom = this.position;
          pacedStart = now;
        } else {
          this.gapMs = Math.max(this.gapMs, now - this.lastBatchAt);
        }
        this.lastBatchAt = now;
        const due = pacedFrom + Math.floor(((now - pacedStart) * ratePerSec) / 1_000);
        upTo = Math.min(due, this.position + MAX_PACED_BATCH);
      }
      batch.length = 0;
      for (let i = this.position; i < upTo; i++) batch.push(checkpointBenchReading(i, this.options.devices));
      this.position = Math.max(this.position, upTo);
      if (batch.length > 0) ctx.collectBatch(batch);
      if (end !== undefined && this.position >= end) {
        ctx.endOfInput();
        return;
      }
      if (fast) await new Promise((resolve) => setImmediate(resolve));
      else await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}
