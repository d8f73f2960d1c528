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
  /**
   * Checkpoints (optional; a source without these restarts from scratch). Called between two
   * records, never during `collect`: returns this source's position (plain data, copied, not a
   * live object) as of everything it handed over so far. Stored under the source's uid.
   */
  snapshotState?(checkpointId: number): unknown;
  /**
   * Called once, before `open()`, when the job restores a checkpoint or savepoint. `state` is what
   * `snapshotState` returned in the run that wrote it when that run had as many instances of this
   * source (splits) as now, the same split index's state. At a rescale of a parallel source (a
   * different number of splits) it is instead an array of every old split's state, in split order:
   * so keep a source's own state an object, never an array, to tell the two apart.
   */
  restoreState?(state: unknown): void;
  /** Checkpoint `checkpointId` is durable (every task's file, the manifest): e.g. acknowledge what it covers. */
  notifyCheckpointComplete?(checkpointId: number): void;
  /** Checkpoint `checkpointId` was given up (timeout, decline, stop): what it covered waits for the next. */
  notifyCheckpointAborted?(checkpointId: number): void;
}

export interface SourceContext<T> {
  /** Hands one record to the job. Synchronous: it returns once the record went through the chain. */
  collect(record: T): void;
  /**
   * Hands a batch; cheaper than calling `collect` in a loop (one watermark check per batch). With
   * `from`/`to`, only `records[from]` … `records[to - 1]` (a source over an array needs no copy).
   */
  collectBatch(records: readonly T[], from?: number, to?: number): void;
  /**
   * A bounded source calls this after its last record: event time jumps to the end, every window
   * fires, and the job finishes once all its sources ended. Unbounded sources never call it.
   */
  endOfInput(): void;
  readonly clock: Clock;
  /**
   * Asks for a checkpoint soon (e.g. too many MQTT acknowledgements are held back until one
   * completes). Present only when the job takes checkpoints. One checkpoint is in flight at a time:
   * asked meanwhile, the next one starts as soon as it ends.
   */
  requestCheckpoint?(): void;
  /**
   * The source cannot reach its input for now (`true`: e.g. its broker connection is lost) or can
   * again (`false`). Meanwhile event time does not move on with processing time (quiet period,
   * idleness): the input is out of reach, not silent, and what it holds arrives later. Both count
   * again from the moment it is back.
   */
  markUnavailable?(unavailable: boolean): void;
}

/** Which part of a splittable source a subtask reads: split `index` of `count` (count = parallelism). */
export interface SourceSplit {
  readonly index: number;
  readonly count: number;
}

/**
 * A source that can be read in parallel (Flink's parallel source, simplified): at parallelism P
 * each subtask opens split `index` of `P` in its own worker thread, so records are made (received,
 * decoded) where they are processed and only the `keyBy` exchange moves them between threads; a
 * record whose key group the local subtask owns is not copied at all. At parallelism 1 the only
 * split is `{ index: 0, count: 1 }`, in the main thread.
 *
 * The contract:
 * - Together the splits read every record once (no record in two splits, none left out).
 * - Each split is a {@link Source} with `pause()` / `resume()` (backpressure between threads).
 * - Each split gets its own watermarks from the job's strategy; a subtask's watermark is the
 *   minimum over the splits feeding it, so a split with no data holds event time back unless the
 *   strategy has `withIdleness`.
 * - The splittable source is built by the job module in every thread (see `defineJobModule`), from
 *   plain arguments; only the subtasks' threads call `createSplit`, and nothing is opened before.
 *
 * An MQTT source fits with shared subscriptions: split `i` is one client (its own client id, e.g.
 * `eddy-ingest-<i>`) subscribed to `$share/<group>/<filter>`, and the broker hands each message
 * to one client of the group. `count` is unused there: the broker balances, and a message goes to
 * any split (the keyBy exchange takes it to its key's subtask).
 *
 * @example
 * class RangeSource implements SplittableSource<number> {
 *   readonly name = 'range';
 *   createSplit({ index, count }: SourceSplit) {
 *     return new CollectionSource(all.filter((_, i) => i % count === index)); // every count-th record
 *   }
 * }
 * env.fromParallelSource(new RangeSource(), watermarks);
 */
export interface SplittableSource<T> {
  /** Operator name shown in metrics and logs (each split's metrics carry its `subtask`). */
  readonly name: string;
  /** The source reading split `split.index` of `split.count`. Called once per subtask, in its thread. */
  createSplit(split: SourceSplit): Source<T>;
}
