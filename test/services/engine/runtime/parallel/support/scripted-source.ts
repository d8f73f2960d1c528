import type { Source, SourceContext } from '../../../../../../services/engine/api/source.ts';

/**
 * A main-thread test source: hands over its batches one per event-loop turn (so credit can come
 * back between them), then ends its input. Honours backpressure: while paused it hands over
 * nothing, and it counts its `pause()` / `resume()` calls.
 */
export class ScriptedSource<T> implements Source<T> {
  readonly name: string;
  pauses = 0;
  resumes = 0;
  batchesHanded = 0;
  private paused = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private ctx!: SourceContext<T>;

  constructor(
    private readonly batches: readonly (readonly T[])[],
    options: { name?: string; end?: boolean } = {},
  ) {
    this.name = options.name ?? 'scripted';
    this.end = options.end ?? true;
  }

  private readonly end: boolean;

  async open(ctx: SourceContext<T>): Promise<void> {
    this.ctx = ctx;
    void this.run();
  }

  pause(): void {
    this.paused = true;
    this.pauses++;
  }

  resume(): void {
    this.paused = false;
    this.resumes++;
    this.wake?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    for (const batch of this.batches) {
      while (this.paused && !this.closed) await new Promise<void>((resolve) => (this.wake = resolve));
      if (this.closed) return;
      this.ctx.collectBatch(batch);
      this.batchesHanded++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (this.end && !this.closed) this.ctx.endOfInput();
  }
}
