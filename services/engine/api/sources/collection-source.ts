import type { Source, SourceContext } from '../source.ts';

/**
 * A bounded source over records in memory: emits them in order, in batches, then ends the input
 * (every window fires). For tests, benchmarks and replaying recorded data.
 *
 * Emission is synchronous inside `open()` unless `yieldEvery` is set, in which case it yields to the
 * event loop between batches (so timers and I/O still run on long inputs).
 */
export class CollectionSource<T> implements Source<T> {
  private stopped = false;

  constructor(
    private readonly records: readonly T[],
    private readonly options: { name?: string; batchSize?: number; yieldEvery?: number } = {},
  ) {}

  get name(): string {
    return this.options.name ?? 'collection';
  }

  async open(ctx: SourceContext<T>): Promise<void> {
    const batchSize = this.options.batchSize ?? 1_000;
    const yieldEvery = this.options.yieldEvery;
    let batches = 0;
    for (let i = 0; i < this.records.length && !this.stopped; i += batchSize) {
      ctx.collectBatch(this.records.slice(i, i + batchSize));
      if (yieldEvery !== undefined && ++batches % yieldEvery === 0) await new Promise((r) => setImmediate(r));
    }
    if (!this.stopped) ctx.endOfInput();
  }

  async close(): Promise<void> {
    this.stopped = true;
  }
}
