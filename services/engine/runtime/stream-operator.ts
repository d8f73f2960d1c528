import type { Clock } from '../time/clock.ts';
import type { Output } from './output.ts';

/** What the runtime gives an operator when it opens. */
export interface OperatorContext {
  readonly clock: Clock;
  /**
   * Stable id of the operator in the job graph: its state is stored under it in checkpoints and
   * matched to it on restore (absent in hand-made contexts of tests; then the operator's name).
   */
  readonly uid?: string;
  readonly maxParallelism: number;
  /** Which subtask this instance is, at parallelism > 1 (absent at parallelism 1). */
  readonly subtask?: { readonly index: number; readonly parallelism: number };
  /**
   * Fails the job. For errors raised outside the record path, where nobody would catch them:
   * callbacks of processing-time timers run from the clock. Absent, such an error is thrown.
   */
  readonly fail?: (error: unknown) => void;
}

/** Counters every operator reports (exposed by the API as metrics). */
export interface OperatorMetrics {
  readonly name: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
  /** Last watermark the operator saw; `MIN_WATERMARK` before the first. */
  readonly watermark: number;
  /** Records dropped because they were too late for every window they belonged to. */
  readonly lateRecordsDropped?: number;
  /** Keys and (key, namespace) values held in state. */
  readonly stateKeys?: number;
  readonly stateEntries?: number;
  /** Keys dropped because their last record was older than the operator's state TTL. */
  readonly keysExpired?: number;
  /** Estimated heap bytes held by the operator's state and timers (from counts, not a heap walk). */
  readonly stateBytes?: number;
}

/**
 * One step of a job: takes records and watermarks, emits to its output. Called synchronously, in
 * order, by one task; never concurrently.
 */
export interface StreamOperator<IN, OUT = unknown> {
  readonly name: string;
  open(ctx: OperatorContext, output: Output<OUT>): Promise<void> | void;
  processElement(value: IN, timestamp: number): void;
  /** Must forward the watermark downstream once everything it implies was emitted. */
  processWatermark(watermark: number): void;
  close(): Promise<void> | void;
  metrics(): OperatorMetrics;
}
