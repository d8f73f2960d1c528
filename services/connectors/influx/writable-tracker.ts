/**
 * A sink's backpressure state: whether `writable` is false now, for how long it was in total, and
 * who waits for it to turn true again (`onDrain`).
 *
 * @example
 * const tracker = new WritableTracker(() => clock.now());
 * tracker.onDrain(() => source.resume());
 * if (!sink.writable) tracker.hold();  // true: the stretch starts now
 * tracker.release();                   // listeners called, heldMs() counts the stretch
 */
export class WritableTracker {
  private readonly listeners = new Set<() => void>();
  private since: number | undefined;
  private totalMs = 0;

  constructor(private readonly now: () => number) {}

  /** True between {@link hold} and {@link release}. */
  get held(): boolean {
    return this.since !== undefined;
  }

  /** Time held in total, the current stretch included. */
  heldMs(): number {
    return this.totalMs + (this.since === undefined ? 0 : this.now() - this.since);
  }

  /** Calls `listener` on every {@link release}; returns the unsubscribe. */
  onDrain(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `writable` turned false; returns whether this starts a stretch (false if already held). */
  hold(): boolean {
    if (this.since !== undefined) return false;
    this.since = this.now();
    return true;
  }

  /** `writable` is true again: ends the stretch (if any) and calls the listeners. */
  release(): void {
    if (this.since === undefined) return;
    this.totalMs += this.now() - this.since;
    this.since = undefined;
    for (const listener of this.listeners) listener();
  }
}
