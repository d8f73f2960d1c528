import type { Source, SourceContext, SourceSplit, SplittableSource } from '../source.ts';

/**
 * A bounded source over records in memory: emits them in order, in batches, then ends the input
 * (every window fires). For tests, benchmarks and replaying recorded data.
 *
 * Emission is synchronous inside `open()` unless `yieldEvery` is set, in which case it yields to the
 * event loop between batches (so timers and I/O still run on long inputs).
 *
 * Backpressure: `pause()` (the runtime calls it when a channel is full, usually from inside a
 * `collectBatch`) stops emission before the next batch; `open()` then waits until `resume()` (or
 * `close()`) before handing over the next batch or ending the input. The batch being handed over
 * when `pause()` came is not split. Never paused, it behaves exactly as described above.
 *
 * Splittable ({@link SplittableSource}): split `index` of `count` reads batches `index`,
 * `index + count`, … (the same batches as unsplit, dealt round-robin), so the splits' event times
 * stay close and each split's watermark never runs ahead of the unsplit source's. The records must
 * then exist in every thread: build them in the job module from its arguments.
 *
 * Checkpoints keep its position (`{ offset }`); restored, it replays from there, so a job restored
 * from a checkpoint computes exactly what the uninterrupted run computed after it.
 *
 * @example
 * const source = new CollectionSource(readings, { batchSize: 100 });
 * env.fromSource(source, watermarks); // at parallelism 2 a slow subtask pauses it between batches
 * env.fromParallelSource(source, watermarks); // or: each subtask reads every other batch itself
 */
export class CollectionSource<T> implements Source<T>, SplittableSource<T> {
  private stopped = false;
  private paused = false;
  private wake: (() => void) | undefined;
  /** Index of the next record to hand over: the position checkpoints keep. */
  private offset = 0;

  constructor(
    private readonly records: readonly T[],
    private readonly options: { name?: string; batchSize?: number; yieldEvery?: number } = {},
  ) {}

  get name(): string {
    return this.options.name ?? 'collection';
  }

  /** The source of split `index` of `count`: every `count`-th batch, starting with batch `index`. */
  createSplit({ index, count }: SourceSplit): CollectionSource<T> {
    const batchSize = this.batchSize;
    const records: T[] = [];
    for (let start = index * batchSize; start < this.records.length; start += count * batchSize) {
      for (let i = start; i < Math.min(start + batchSize, this.records.length); i++)
        records.push(this.records[i]!);
    }
    return new CollectionSource(records, this.options);
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 1_000;
  }

  async open(ctx: SourceContext<T>): Promise<void> {
    const batchSize = this.batchSize;
    const yieldEvery = this.options.yieldEvery;
    let batches = 0;
    for (let i = this.offset; i < this.records.length && !this.stopped; i += batchSize) {
      if (this.paused) await this.resumed();
      if (this.stopped) return;
      const end = Math.min(i + batchSize, this.records.length);
      ctx.collectBatch(this.records, i, end);
      this.offset = end;
      if (yieldEvery !== undefined && ++batches % yieldEvery === 0) await new Promise((r) => setImmediate(r));
    }
    if (this.paused) await this.resumed();
    if (!this.stopped) ctx.endOfInput();
  }

  /**
   * The position: `{ offset }`, the index of the next record. Taken between two batches (a
   * checkpoint never interrupts `collectBatch`), so a restore replays from the first record the
   * checkpoint does not hold.
   */
  snapshotState(_checkpointId: number): CollectionSourceState {
    return { offset: this.offset };
  }

  /**
   * Starts from a position {@link snapshotState} returned (before `open()`). A list of positions
   * (a rescaled parallel source) is accepted only when it has one entry: a split's offset counts
   * its own records, which another split count deals differently.
   */
  restoreState(state: unknown): void {
    const single = Array.isArray(state) && state.length === 1 ? state[0] : state;
    const offset = (single as Partial<CollectionSourceState> | null)?.offset;
    if (Array.isArray(single) || !Number.isInteger(offset) || offset! < 0 || offset! > this.records.length) {
      throw new Error(
        `${this.name}: cannot restore ${JSON.stringify(state)}: expected { offset } between 0 and ${this.records.length}` +
          (Array.isArray(state)
            ? ' (a collection source cannot be restored at another number of splits)'
            : ''),
      );
    }
    this.offset = offset!;
  }

  /** Emits nothing more until {@link resume}. */
  pause(): void {
    this.paused = true;
  }

  /** Lets `open()` go on with the next batch. */
  resume(): void {
    this.paused = false;
    this.wakeUp();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.wakeUp();
  }

  /** Resolves once neither paused nor waiting any more (resumed or closed). */
  private async resumed(): Promise<void> {
    while (this.paused && !this.stopped) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** What a {@link CollectionSource} keeps in a checkpoint. */
export interface CollectionSourceState {
  /** Index of the next record to hand over. */
  readonly offset: number;
}
