/**
 * Where an operator sends what it produces: records with their event time, and watermarks.
 * In a chain this is the next operator itself (a direct call, no queue).
 */
export interface Output<T> {
  collect(value: T, timestamp: number): void;
  emitWatermark(watermark: number): void;
}

/** Sends everything to several outputs (a stream with more than one consumer). */
export class BroadcastOutput<T> implements Output<T> {
  constructor(private readonly outputs: readonly Output<T>[]) {}

  collect(value: T, timestamp: number): void {
    for (const output of this.outputs) output.collect(value, timestamp);
  }

  emitWatermark(watermark: number): void {
    for (const output of this.outputs) output.emitWatermark(watermark);
  }
}

/** Drops everything (a stream nobody consumes). */
export const discardingOutput: Output<unknown> = { collect() {}, emitWatermark() {} };
