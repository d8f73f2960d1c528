/** How channels between threads are sized. */
export interface ChannelOptions {
  /** Records per batch: a batch is sent when it holds this many, or when it is `lingerMs` old. */
  readonly batchSize: number;
  /** Batches in flight per channel (credit): a producer with none left and a full batch is paused. */
  readonly capacity: number;
  /**
   * How long a batch that is not full may wait for more records (Flink's buffer timeout, Kafka's
   * linger): the latency a channel adds at low rates. 0 sends it at the end of the event-loop turn.
   */
  readonly lingerMs: number;
}

/**
 * 4,096 records amortize a `postMessage` and its credit (~5–10 µs each, more when the other thread
 * must be woken on a busy machine) to a few ns per record: with 1,024, posting was 6–8% of a
 * subtask's time in `engine-parallelism`, and parallelism 2 used ~10% more CPU per record. 4
 * batches in flight keep both threads busy while bounding memory to ~5 batches (~0.5 MB of
 * readings) per channel; a 2 ms linger lets a source that hands over one message at a time (MQTT)
 * still fill batches, and bounds the latency a batch adds at low rates.
 */
export const DEFAULT_CHANNEL_OPTIONS: ChannelOptions = { batchSize: 4_096, capacity: 4, lingerMs: 2 };

export function validateChannelOptions(options: ChannelOptions): ChannelOptions {
  const { batchSize, capacity, lingerMs } = options;
  if (!(lingerMs >= 0)) throw new RangeError(`channel lingerMs must be >= 0, got ${lingerMs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`channel batchSize must be an integer >= 1, got ${batchSize}`);
  }
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`channel capacity must be an integer >= 1 (batches in flight), got ${capacity}`);
  }
  return options;
}
