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
 * 1,024 records amortize a `postMessage` (~5–10 µs) to under 10 ns per record; 4 batches in
 * flight keep both threads busy while bounding memory to ~5 batches per channel; a 2 ms linger
 * lets a source that hands over one message at a time (MQTT) still fill batches.
 */
export const DEFAULT_CHANNEL_OPTIONS: ChannelOptions = { batchSize: 1_024, capacity: 4, lingerMs: 2 };

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
