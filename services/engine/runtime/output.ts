import type { OutputTag } from '../api/output-tag.ts';

/**
 * Where records and watermarks go next: in a chain, the next operator itself (a direct call, no
 * queue); later also a channel to another subtask.
 */
export interface Downstream<T> {
  collect(value: T, timestamp: number): void;
  emitWatermark(watermark: number): void;
  /**
   * Checkpoint barrier `checkpointId`: everything emitted before it belongs to the checkpoint,
   * nothing after. Only exchanges to other threads act on it (they forward it in band, the
   * receiving task aligns its inputs); inside a chain of direct calls it needs no handling, because
   * the whole chain is snapshotted at once between two records (see `runtime/checkpointing/`).
   */
  emitBarrier?(checkpointId: number): void;
}

/** What an operator emits into: its main output, and side outputs by tag. */
export interface Output<T> extends Downstream<T> {
  /** Emits to the side output `tag`; dropped when nothing consumes that side output. */
  sideOutput<X>(tag: OutputTag<X>, value: X, timestamp: number): void;
}

/** Sends everything to several downstreams (a stream with more than one consumer). */
export class BroadcastDownstream<T> implements Downstream<T> {
  constructor(private readonly targets: readonly Downstream<T>[]) {}

  collect(value: T, timestamp: number): void {
    for (const target of this.targets) target.collect(value, timestamp);
  }

  emitWatermark(watermark: number): void {
    for (const target of this.targets) target.emitWatermark(watermark);
  }

  emitBarrier(checkpointId: number): void {
    for (const target of this.targets) target.emitBarrier?.(checkpointId);
  }
}

/** Drops everything (a stream nobody consumes). */
export const discarding: Downstream<unknown> = { collect() {}, emitWatermark() {} };

/** Combines downstreams: none → discard, one → itself, more → broadcast. */
export function combineDownstreams<T>(targets: readonly Downstream<T>[]): Downstream<T> {
  if (targets.length === 0) return discarding;
  return targets.length === 1 ? targets[0]! : new BroadcastDownstream(targets);
}

/**
 * An operator's output: records to the main downstream, side outputs to theirs, and watermarks to
 * all of them (a side output's consumers need event time too).
 */
export class OperatorOutput<T> implements Output<T> {
  constructor(
    private readonly main: Downstream<T>,
    private readonly sides: ReadonlyMap<string, Downstream<unknown>> = new Map(),
  ) {}

  collect(value: T, timestamp: number): void {
    this.main.collect(value, timestamp);
  }

  emitWatermark(watermark: number): void {
    this.main.emitWatermark(watermark);
    for (const side of this.sides.values()) side.emitWatermark(watermark);
  }

  /** Barriers, like watermarks, go to the main output and every side output. */
  emitBarrier(checkpointId: number): void {
    this.main.emitBarrier?.(checkpointId);
    for (const side of this.sides.values()) side.emitBarrier?.(checkpointId);
  }

  sideOutput<X>(tag: OutputTag<X>, value: X, timestamp: number): void {
    this.sides.get(tag.id)?.collect(value, timestamp);
  }
}
