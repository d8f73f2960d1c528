import type { Sink } from '../../../../../services/engine/api/sink.ts';
import type { Source } from '../../../../../services/engine/api/source.ts';
import { CollectionSource } from '../../../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../../../services/engine/api/stream-environment.ts';
import { CheckpointStore } from '../../../../../services/engine/checkpoint/checkpoint-store.ts';
import type {
  OperatorSnapshot,
  RestoredOperator,
} from '../../../../../services/engine/checkpoint/checkpoint-types.ts';
import type { Checkpointed } from '../../../../../services/engine/checkpoint/checkpointed.ts';
import { checkShapeCompatible } from '../../../../../services/engine/checkpoint/state-shape.ts';
import { keyGroupOf } from '../../../../../services/engine/key-groups.ts';
import type { CheckpointingOptions } from '../../../../../services/engine/runtime/checkpointing/job-checkpointing.ts';
import { JobExecution } from '../../../../../services/engine/runtime/job-execution.ts';
import { BaseOperator } from '../../../../../services/engine/runtime/operators/base-operator.ts';
import { ManualClock } from '../../../../../services/engine/time/clock.ts';
import { WatermarkStrategy } from '../../../../../services/engine/time/watermark-strategy.ts';
import { capturingLogger } from '../../checkpoint/fixtures.ts';

export interface Reading {
  readonly key: string;
  readonly ts: number;
  readonly value: number;
}

export interface Sum {
  readonly key: string;
  readonly sum: number;
  readonly count: number;
}

/**
 * A keyed running sum per key, checkpointed by key group: emits the key's sum after each reading;
 * a reading at or before the last watermark is late (counted, dropped). Its watermark is not part
 * of its state: after a restore it comes from the source task's restored watermark.
 */
export class RunningSum extends BaseOperator<Reading, Sum> implements Checkpointed {
  private readonly sums = new Map<string, { sum: number; count: number }>();
  late = 0;

  constructor(private readonly shape: unknown = { state: 'running-sum', version: 1 }) {
    super('running-sum');
  }

  processElement(reading: Reading, timestamp: number): void {
    this.recordsIn++;
    if (timestamp <= this.watermark) {
      this.late++;
      return;
    }
    const entry = this.sums.get(reading.key) ?? { sum: 0, count: 0 };
    entry.sum += reading.value;
    entry.count++;
    this.sums.set(reading.key, entry);
    this.emit({ key: reading.key, sum: entry.sum, count: entry.count }, timestamp);
  }

  snapshotState(_checkpointId: number): OperatorSnapshot {
    const groups = new Map<number, [string, number, number][]>();
    for (const [key, { sum, count }] of this.sums) {
      const group = keyGroupOf(key, this.context.maxParallelism);
      const list = groups.get(group) ?? [];
      list.push([key, sum, count]);
      groups.set(group, list);
    }
    return {
      uid: this.context.uid ?? this.name,
      kind: 'running-sum',
      shape: this.shape,
      keyGroups: groups,
      keys: this.sums.size,
    };
  }

  restoreState(restored: RestoredOperator): void {
    checkShapeCompatible(restored.uid, restored.shape, this.shape);
    for (const entries of restored.keyGroups.values()) {
      for (const [key, sum, count] of entries as [string, number, number][])
        this.sums.set(key, { sum, count });
    }
  }
}

/** Passes sums on and counts them; the count is checkpointed as operator state. */
export class CountingStep extends BaseOperator<Sum, Sum> implements Checkpointed {
  processElement(sum: Sum, timestamp: number): void {
    this.recordsIn++;
    this.emit(sum, timestamp);
  }

  snapshotState(): OperatorSnapshot {
    const uid = this.context.uid ?? this.name;
    return { uid, kind: 'counting', shape: 1, keyGroups: new Map(), operatorState: this.recordsIn, keys: 0 };
  }

  restoreState(restored: RestoredOperator): void {
    this.recordsIn = Number(restored.operatorStates[0]?.state ?? 0);
  }
}

/** Keeps what it was written and, at every flush, how many records were written by then. */
export class RecordingSink implements Sink<Sum> {
  readonly name = 'recording';
  readonly records: Sum[] = [];
  readonly flushedAt: number[] = [];
  /** When set, the next flush rejects with it. */
  failNextFlush: Error | undefined;
  /** Called after every write (e.g. to pause the source at a given count). */
  onWrite: (() => void) | undefined;

  async open(): Promise<void> {}

  write(record: Sum): void {
    this.records.push(record);
    this.onWrite?.();
  }

  async flush(): Promise<void> {
    this.flushedAt.push(this.records.length);
    const failure = this.failNextFlush;
    this.failNextFlush = undefined;
    if (failure) throw failure;
  }

  async close(): Promise<void> {}
}

/** `count` readings over `keys` keys, one per 100 ms of event time, in order. */
export function readings(count: number, keys = 5): Reading[] {
  return Array.from({ length: count }, (_, i) => ({ key: `k${i % keys}`, ts: 1_000 + i * 100, value: i }));
}

export interface TestJobOptions {
  readonly records: readonly Reading[];
  readonly checkpointing: Omit<CheckpointingOptions, 'logger'>;
  readonly maxParallelism?: number;
  readonly batchSize?: number;
  /** The running sum's state shape (to make it incompatible). */
  readonly shape?: unknown;
  /** Adds a second checkpointed step (to leave state of an operator another job lacks). */
  readonly extraStep?: boolean;
  /** Pauses the collection source once the sink holds this many records. */
  readonly pauseAt?: number;
  /** Another source instead of the collection source. */
  readonly source?: Source<Reading>;
}

/**
 * A job at parallelism 1 (source → running sum → sink) on a ManualClock, started but not awaited:
 * a collection source yielding between batches runs inside `start()` until its end.
 */
export function startTestJob(options: TestJobOptions) {
  const clock = new ManualClock(0);
  const { logger, lines } = capturingLogger();
  const source = new CollectionSource(options.records, { batchSize: options.batchSize ?? 10, yieldEvery: 1 });
  const sink = new RecordingSink();
  const { pauseAt } = options;
  if (pauseAt !== undefined) sink.onWrite = () => sink.records.length === pauseAt && source.pause();
  const env = new StreamEnvironment({ clock, maxParallelism: options.maxParallelism ?? 128 });
  const watermarks = WatermarkStrategy.forBoundedOutOfOrderness<Reading>(500).withTimestampAssigner(
    (r) => r.ts,
  );
  const operator = new RunningSum(options.shape);
  let stream = env
    .fromSource(options.source ?? source, watermarks)
    .transform('running-sum', () => operator, true);
  if (options.extraStep) stream = stream.transform('second-sum', () => new CountingStep('second-sum'));
  stream.sinkTo(sink);
  const job = new JobExecution(
    'test-job',
    env.plan,
    { clock, maxParallelism: env.maxParallelism },
    undefined,
    { ...options.checkpointing, logger },
  );
  const started = job.start();
  started.catch(() => {});
  return { job, started, clock, source, sink, operator, lines };
}

/** A checkpoint store in `dir` stamped by `clock`. */
export function storeIn(dir: string, clock = new ManualClock(0)): CheckpointStore {
  return new CheckpointStore({ dir, clock });
}

/** The uninterrupted run's output: the same job without checkpoints, run to its end. */
export async function uninterruptedOutput(records: readonly Reading[]): Promise<Sum[]> {
  const sink = new RecordingSink();
  const env = new StreamEnvironment({ clock: new ManualClock(0) });
  const watermarks = WatermarkStrategy.forBoundedOutOfOrderness<Reading>(500).withTimestampAssigner(
    (r) => r.ts,
  );
  env
    .fromSource(new CollectionSource(records, { batchSize: 10 }), watermarks)
    .transform('running-sum', () => new RunningSum(), true)
    .sinkTo(sink);
  const job = await env.start('uninterrupted');
  await job.finished;
  return sink.records;
}
