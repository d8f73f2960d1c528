import type { Reading } from '../../../../services/domain/reading.ts';
import type { SourceContext } from '../../../../services/engine/api/source.ts';
import type { Clock } from '../../../../services/engine/time/clock.ts';

/**
 * A test double of the engine side of a source: collects every record into `records`, and lets a
 * test wait (event-driven, with a timeout) until a number of records arrived.
 *
 * @example
 * const ctx = new CollectingContext(new ManualClock(0));
 * await source.open(ctx);
 * await ctx.waitForCount(3);
 */
export class CollectingContext implements SourceContext<Reading> {
  readonly records: Reading[] = [];
  /** Sizes of the batches handed over, in order. */
  readonly batches: number[] = [];
  /** Set when the source called `endOfInput()` (the telemetry sources are unbounded and never do). */
  ended = false;
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(readonly clock: Clock) {}

  collect(record: Reading): void {
    this.records.push(record);
    this.batches.push(1);
    this.notify();
  }

  collectBatch(records: readonly Reading[]): void {
    this.records.push(...records);
    this.batches.push(records.length);
    this.notify();
  }

  endOfInput(): void {
    this.ended = true;
  }

  /** Resolves once at least `count` records arrived; rejects after `timeoutMs`. */
  waitForCount(count: number, timeoutMs = 5_000): Promise<void> {
    if (this.records.length >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${count} records, got ${this.records.length}`,
          ),
        );
      }, timeoutMs);
      const waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => this.records.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.records.length < w.count);
    for (const waiter of ready) waiter.resolve();
  }
}
