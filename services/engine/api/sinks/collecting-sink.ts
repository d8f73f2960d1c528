import type { Sink } from '../sink.ts';

/** A sink that keeps every record (with its timestamp) in memory: for tests and examples. */
export class CollectingSink<T> implements Sink<T> {
  readonly records: T[] = [];
  readonly timestamps: number[] = [];
  closed = false;

  constructor(readonly name = 'collect') {}

  async open(): Promise<void> {}

  write(record: T, timestamp: number): void {
    this.records.push(record);
    this.timestamps.push(timestamp);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }
}
