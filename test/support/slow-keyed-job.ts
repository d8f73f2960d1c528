/**
 * A job module for backpressure tests: readings from the bound source `readings`, keyed by device,
 * through a deliberately slow keyed step, unchanged to the bound sink `processed`. The step is slow
 * while a {@link SlowGate} shared with the test is closed, and runs at full speed once released.
 */
import type { Reading } from '../../services/domain/reading.ts';
import type {
  Collector,
  KeyedProcessFunction,
} from '../../services/engine/process/keyed-process-function.ts';
import { readingCodec } from '../../services/engine/runtime/channels/reading-codec.ts';
import { defineJobModule } from '../../services/engine/runtime/parallel/job-module.ts';
import { WatermarkStrategy } from '../../services/engine/time/watermark-strategy.ts';

export interface SlowKeyedJobArgs {
  /** {@link SlowGate.buffer}: shared memory, so it reaches the workers as the same gate. */
  readonly gate: SharedArrayBuffer;
  /** While the gate is closed, each record takes up to this long. */
  readonly slowMs: number;
}

/**
 * A gate the test thread opens for every worker at once: a `SharedArrayBuffer` flag (1 = slow),
 * passed in the job's args. Workers wait on it with `Atomics.wait`, so releasing wakes them at once.
 *
 * @example
 * const gate = new SlowGate();
 * await runJob({ module: SLOW_KEYED_JOB, args: { gate: gate.buffer, slowMs: 10 }, parallelism: 2, ... });
 * gate.release(); // the keyed step runs at full speed from now on
 */
export class SlowGate {
  readonly buffer = new SharedArrayBuffer(4);
  private readonly flag = new Int32Array(this.buffer);

  constructor() {
    Atomics.store(this.flag, 0, 1);
  }

  get slow(): boolean {
    return Atomics.load(this.flag, 0) === 1;
  }

  /** Ends the slowness, waking a worker that is waiting on the gate. */
  release(): void {
    Atomics.store(this.flag, 0, 0);
    Atomics.notify(this.flag, 0);
  }
}

/** Passes readings on; while the gate is closed, spends up to `slowMs` per reading (woken on release). */
class SlowPassThrough implements KeyedProcessFunction<string, Reading, Reading> {
  private readonly flag: Int32Array;

  constructor(
    gate: SharedArrayBuffer,
    private readonly slowMs: number,
  ) {
    this.flag = new Int32Array(gate);
  }

  processElement(reading: Reading, _ctx: unknown, out: Collector<Reading>): void {
    Atomics.wait(this.flag, 0, 1, this.slowMs); // returns at once when not slow
    out.collect(reading);
  }
}

/** The module URL to pass to `runJob`. */
export const SLOW_KEYED_JOB = new URL(import.meta.url);

export default defineJobModule<SlowKeyedJobArgs>((env, { gate, slowMs }) => {
  const watermarks = WatermarkStrategy.forMonotonousTimestamps<Reading>().withTimestampAssigner((r) => r.ts);
  const byDevice = env.fromSource(env.boundSource<Reading>('readings'), watermarks).keyBy((r) => r.device);
  env.setRecordCodec(byDevice, readingCodec);
  byDevice
    .process(() => new SlowPassThrough(gate, slowMs), 'slow-pass-through')
    .sinkTo(env.boundSink('processed'));
});
