import type { Clock } from '../time/clock.ts';

/**
 * Where a job's records come from. Sources push: once opened, they call `ctx.collect` for each
 * record until closed. A source never decides event time; the job's watermark strategy does.
 *
 * The runtime may call `pause()` when downstream is full (backpressure) and `resume()` when it has
 * room again; a source that can stop reading its input (a socket, a file) must do so.
 */
export interface Source<T> {
  /** Operator name shown in metrics and logs. */
  readonly name: string;
  /** Starts emitting into `ctx`; resolves once the source is ready (connected, subscribed). */
  open(ctx: SourceContext<T>): Promise<void>;
  /** Stops emitting; when this resolves no further `collect` call happens. */
  close(): Promise<void>;
  pause?(): void;
  resume?(): void;
}

export interface SourceContext<T> {
  /** Hands one record to the job. Synchronous: it returns once the record went through the chain. */
  collect(record: T): void;
  /** Hands a batch; cheaper than calling `collect` in a loop (one watermark check per batch). */
  collectBatch(records: readonly T[]): void;
  /**
   * A bounded source calls this after its last record: event time jumps to the end, every window
   * fires, and the job finishes once all its sources ended. Unbounded sources never call it.
   */
  endOfInput(): void;
  readonly clock: Clock;
}
