import type { Source, SourceContext } from '../../../../../../services/engine/api/source.ts';

/**
 * A main-thread test source over records in memory that keeps its position in checkpoints
 * (`{ offset }`) and stops at a known offset: it hands over batches (one per event-loop turn,
 * honouring backpressure) up to `stopAt`, then waits there without ending (`reachedStop` resolves),
 * so a savepoint is taken at exactly that offset. Without `stopAt`, or past the last record, it
 * ends its input.
 */
export class SteppedSource<T> implements Source<T> {
  readonly name = 'stepped';
  /** Resolves once every record before `stopAt` was handed over (and the source waits). */
  readonly reachedStop: Promise<void>;
  private offset = 0;
  private paused = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private reached!: () => void;

  constructor(
    private readonly records: readonly T[],
    private readonly options: {
      readonly batchSize: number;
      readonly stopAt?: number;
      /** Awaited before each batch, given the offset of its first record (a test's pacing). */
      readonly beforeBatch?: (offset: number) => Promise<void>;
    },
  ) {
    this.reachedStop = new Promise((resolve) => (this.reached = resolve));
  }

  async open(ctx: SourceContext<T>): Promise<void> {
    void this.run(ctx);
  }

  snapshotState(): { offset: number } {
    return { offset: this.offset };
  }

  restoreState(state: unknown): void {
    this.offset = (state as { offset: number }).offset;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
  }

  private async run(ctx: SourceContext<T>): Promise<void> {
    const end = Math.min(this.options.stopAt ?? this.records.length, this.records.length);
    while (this.offset < end) {
      while (this.paused && !this.closed) await new Promise<void>((resolve) => (this.wake = resolve));
      if (this.closed) return;
      await this.options.beforeBatch?.(this.offset);
      if (this.closed) return;
      const batch = this.records.slice(this.offset, Math.min(this.offset + this.options.batchSize, end));
      ctx.collectBatch(batch);
      this.offset += batch.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (this.offset >= this.records.length && !this.closed) ctx.endOfInput();
    else this.reached();
  }
}
