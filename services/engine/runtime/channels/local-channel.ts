import { MARK_ACTIVE, MARK_BARRIER, MARK_END, MARK_IDLE, MARK_WATERMARK } from './channel-messages.ts';
import type { ExchangeOutput } from './exchange-output.ts';
import type { InputGate } from './input-gate.ts';

/**
 * A channel between two tasks of the same thread (a parallel source's split and the keyed subtask
 * of the same index): records go straight into the consumer's chain, no batch and no copy;
 * watermarks, idleness, barriers and end go through the consumer's gate as input `input`.
 * Backpressure is the consumer's own: the producer's availability follows the consumer's, and
 * the gate's alignment availability while the gate holds this input for a checkpoint barrier.
 */
export class LocalChannel<T> implements ExchangeOutput<T> {
  private ended = false;
  private lastBarrier = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly gate: () => InputGate<T>,
    private readonly input: number,
  ) {}

  collect(value: T, timestamp: number): void {
    if (!this.ended) this.gate().localRecord(this.input, value, timestamp);
  }

  emitWatermark(watermark: number): void {
    if (!this.ended) this.gate().localMarker(this.input, MARK_WATERMARK, watermark);
  }

  markIdle(): void {
    if (!this.ended) this.gate().localMarker(this.input, MARK_IDLE, 0);
  }

  markActive(): void {
    if (!this.ended) this.gate().localMarker(this.input, MARK_ACTIVE, 0);
  }

  emitBarrier(checkpointId: number): void {
    if (this.ended || checkpointId <= this.lastBarrier) return; // a repeat (several paths to this exchange)
    this.lastBarrier = checkpointId;
    this.gate().localMarker(this.input, MARK_BARRIER, checkpointId);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.gate().localMarker(this.input, MARK_END, 0);
  }
}
