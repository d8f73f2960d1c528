import type { Clock } from '../time/clock.ts';

/**
 * Where a job's results go. `write` is synchronous and may buffer; `flush` makes everything written
 * so far durable (the runtime calls it at shutdown, and at checkpoints once they exist).
 */
export interface Sink<T> {
  readonly name: string;
  open(ctx: SinkContext): Promise<void>;
  /** Accepts one record. `timestamp` is the record's event time (for a window result: `end - 1`). */
  write(record: T, timestamp: number): void;
  /** Resolves when every record written before the call is durable; rejects if it cannot be. */
  flush(): Promise<void>;
  /** Flushes and releases resources. */
  close(): Promise<void>;
  /**
   * Optional backpressure: false while the sink wants no more records (its buffers are full). The
   * runtime checks it after each `write` and then holds the sources feeding the sink (records
   * already on their way are still written) until {@link onDrain} calls back.
   */
  readonly writable?: boolean;
  /** With `writable`: calls `listener` each time `writable` turns true again; returns the unsubscribe. */
  onDrain?(listener: () => void): () => void;
}

export interface SinkContext {
  readonly clock: Clock;
}
