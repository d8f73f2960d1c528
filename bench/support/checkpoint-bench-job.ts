import { isMainThread } from 'node:worker_threads';
import type { Reading } from '../../services/domain/reading.ts';
import type { WindowAggregate } from '../../services/domain/window-aggregate.ts';
import { defineJobModule } from '../../services/engine/runtime/parallel/job-module.ts';
import { WatermarkStrategy } from '../../services/engine/time/watermark-strategy.ts';
import { keyedWindowAggregates } from './keyed-window-aggregates.ts';

export const CHECKPOINT_BENCH_WINDOW_MS = 10_000;
const BOUND_MS = 2_000;

/** Arguments of {@link checkpointBenchJob} (plain data: every worker gets them). */
export interface CheckpointBenchArgs {
  /**
   * Shared with the workers: slot 0 counts the workers that registered, slot `1 + n` holds worker
   * n's longest event-loop stall in µs since the main thread last zeroed it ({@link workerStallsMs}).
   */
  readonly stalls?: SharedArrayBuffer;
}

/** Room for this many workers' stalls. */
const MAX_WORKERS = 16;

/** The buffer for {@link CheckpointBenchArgs.stalls}. */
export function createStallBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (1 + MAX_WORKERS));
}

/** Each registered worker's longest stall (ms) since the last call; zeroes them. */
export function workerStallsMs(buffer: SharedArrayBuffer): number[] {
  const slots = new Int32Array(buffer);
  const workers = Math.min(Atomics.load(slots, 0), MAX_WORKERS);
  return Array.from({ length: workers }, (_, n) => Atomics.exchange(slots, 1 + n, 0) / 1_000);
}

/**
 * In a worker: a 1 ms timer whose lateness is how long the thread was held (a snapshot capture, a
 * long batch, a GC). Outside the plan: it changes nothing the job does.
 */
function watchWorkerStalls(buffer: SharedArrayBuffer): void {
  const slots = new Int32Array(buffer);
  const slot = 1 + Atomics.add(slots, 0, 1);
  if (slot > MAX_WORKERS) return;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const gapUs = Math.round((now - last) * 1_000);
    last = now;
    if (gapUs > Atomics.load(slots, slot)) Atomics.store(slots, slot, gapUs);
  }, 1).unref();
}

/**
 * The benchmarked job: the bound source `readings` → keyBy(device) → 10 s tumbling windows →
 * summary statistics as {@link WindowAggregate}s → the bound sink `results`, as Eddy's default
 * job. At parallelism > 1 readings and aggregates cross threads with the typed-array codecs.
 */
export const checkpointBenchJob = defineJobModule<CheckpointBenchArgs>((env, { stalls }) => {
  if (!isMainThread && stalls) watchWorkerStalls(stalls);
  const watermarks = WatermarkStrategy.forBoundedOutOfOrderness<Reading>(BOUND_MS).withTimestampAssigner(
    (r) => r.ts,
  );
  const readings = env.fromSource(env.boundSource<Reading>('readings'), watermarks);
  keyedWindowAggregates(env, readings, CHECKPOINT_BENCH_WINDOW_MS);
});
