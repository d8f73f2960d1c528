/** One `flush()` waiting: for each lane, the count of settled points it waits for. */
interface FlushWaiter {
  readonly targets: readonly number[];
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * The `flush()` calls of an `InfluxSink` that wait for their points to settle, lane by lane.
 *
 * @example
 * const waiters = new FlushWaiters();
 * const flushed = waiters.wait(lanes.map((lane) => lane.markDue()));
 * waiters.settle((targets) => lanes.every((lane, i) => lane.settled >= targets[i]!)); // on progress
 */
export class FlushWaiters {
  private waiting: FlushWaiter[] = [];

  get size(): number {
    return this.waiting.length;
  }

  /** Resolves once {@link settle} finds `targets` reached (or a hand-over or rejection ends it). */
  wait(targets: readonly number[]): Promise<void> {
    return new Promise((resolve, reject) => this.waiting.push({ targets, resolve, reject }));
  }

  /** Resolves every waiter whose targets `reached` says are met. */
  settle(reached: (targets: readonly number[]) => boolean): void {
    if (this.waiting.length === 0) return;
    this.waiting = this.waiting.filter((waiter) => {
      if (!reached(waiter.targets)) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Every waiter now settles as `outcome` does instead (e.g. once the spill is fsynced). */
  handOver(outcome: Promise<void>): void {
    const waiting = this.waiting;
    this.waiting = [];
    outcome.then(
      () => {
        for (const waiter of waiting) waiter.resolve();
      },
      (error: Error) => {
        for (const waiter of waiting) waiter.reject(error);
      },
    );
  }

  /** Rejects every waiter with `error`. */
  rejectAll(error: Error): void {
    for (const waiter of this.waiting) waiter.reject(error);
    this.waiting = [];
  }
}
