import type { Key, KeySelector } from '../../api/functions.ts';
import { keyGroupOf, subtaskOf } from '../../key-groups.ts';
import type { ExchangeOutput } from './exchange-output.ts';

/** Keys whose subtask is remembered; past this the memo starts over (bounds memory on key churn). */
const MAX_MEMOIZED_KEYS = 1 << 20;

/**
 * The producing side of a `keyBy` exchange: each record goes to the subtask that owns its key's
 * key group (`murmur3(key) mod maxParallelism`, then Flink's range assignment); watermarks,
 * idleness, checkpoint barriers and end go to every subtask. The subtask of a key is memoized, so a key is hashed once,
 * not once per record.
 *
 * @example
 * const partitioner = new KeyGroupPartitioner((r: Reading) => r.device, [toSubtask0, toSubtask1], 128);
 * partitioner.collect(reading, reading.ts); // reaches the subtask owning keyGroupOf(reading.device)
 */
export class KeyGroupPartitioner<T> implements ExchangeOutput<T> {
  private readonly subtaskByKey = new Map<Key, number>();
  private readonly parallelism: number;

  constructor(
    private readonly keySelector: KeySelector<T, Key>,
    private readonly outputs: readonly ExchangeOutput<T>[],
    private readonly maxParallelism: number,
  ) {
    this.parallelism = outputs.length;
  }

  collect(value: T, timestamp: number): void {
    const key = this.keySelector(value);
    let subtask = this.subtaskByKey.get(key);
    if (subtask === undefined) {
      subtask = subtaskOf(keyGroupOf(key, this.maxParallelism), this.parallelism, this.maxParallelism);
      if (this.subtaskByKey.size >= MAX_MEMOIZED_KEYS) this.subtaskByKey.clear();
      this.subtaskByKey.set(key, subtask);
    }
    this.outputs[subtask]!.collect(value, timestamp);
  }

  emitWatermark(watermark: number): void {
    for (const output of this.outputs) output.emitWatermark(watermark);
  }

  markIdle(): void {
    for (const output of this.outputs) output.markIdle();
  }

  markActive(): void {
    for (const output of this.outputs) output.markActive();
  }

  emitBarrier(checkpointId: number): void {
    for (const output of this.outputs) output.emitBarrier(checkpointId);
  }

  end(): void {
    for (const output of this.outputs) output.end();
  }
}
