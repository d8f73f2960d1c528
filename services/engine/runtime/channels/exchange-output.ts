import type { Downstream } from '../output.ts';

/**
 * Where a task's chain hands records to another task: a channel to another thread, a local
 * channel, or a partitioner over several of them. Besides records and watermarks it carries the
 * task's status (idle or active), checkpoint barriers and its end.
 */
export interface ExchangeOutput<T> extends Downstream<T> {
  markIdle(): void;
  markActive(): void;
  /** No element follows. Sent after everything before it, in order. */
  end(): void;
  /**
   * Checkpoint barrier `checkpointId`, in band after everything sent before it, to every channel
   * of the exchange (ignored once ended).
   */
  emitBarrier(checkpointId: number): void;
}

/** Identifies a channel in metrics: the exchange (its graph node) and the two task instances. */
export interface ChannelLabel {
  /** Name of the exchange, e.g. `key-by` (a keyBy) or `window(10s)→sink` (results to a sink). */
  readonly exchange: string;
  /** Producing instance: `main` or the subtask index. */
  readonly from: 'main' | number;
  readonly to: 'main' | number;
}

/** Per-channel counters: `inFlight / capacity` is how full the channel is. */
export interface ChannelMetrics extends ChannelLabel {
  /** Batches sent and not yet processed by the consumer. */
  readonly inFlight: number;
  readonly capacity: number;
  /** `inFlight / capacity`, in [0, 1]. */
  readonly fill: number;
  /** Records in the batch being built (beyond `batchSize` while the channel is full). */
  readonly pendingRecords: number;
  /** True while the channel is full and its producer paused. */
  readonly blocked: boolean;
  readonly batchesSent: number;
  readonly recordsSent: number;
  /** How often the channel became full. */
  readonly timesBlocked: number;
  /** Largest batch sent so far (records): at most batchSize plus one overfill. */
  readonly largestBatch: number;
}
