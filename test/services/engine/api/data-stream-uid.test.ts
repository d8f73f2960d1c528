import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summaryStats } from '../../../../services/engine/aggregates/summary-stats.ts';
import { DataStream } from '../../../../services/engine/api/data-stream.ts';
import { OutputTag } from '../../../../services/engine/api/output-tag.ts';
import { CollectingSink } from '../../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../../services/engine/api/stream-environment.ts';
import type { CompletedCheckpoint } from '../../../../services/engine/checkpoint/checkpoint-types.ts';
import { operatorUid, planUids } from '../../../../services/engine/runtime/checkpointing/operator-uid.ts';
import { JobExecution } from '../../../../services/engine/runtime/job-execution.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { WatermarkStrategy } from '../../../../services/engine/time/watermark-strategy.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { waitFor } from '../../../support/wait-for.ts';
import { tempDir } from '../checkpoint/fixtures.ts';
import { storeIn } from '../runtime/checkpointing/checkpoint-test-kit.ts';

interface Reading {
  readonly device: string;
  readonly ts: number;
  readonly value: number;
}

const watermarks = WatermarkStrategy.forBoundedOutOfOrderness<Reading>(1_000).withTimestampAssigner(
  (r) => r.ts,
);

function source(env: StreamEnvironment): DataStream<Reading> {
  return env.fromSource(new CollectionSource<Reading>([]), watermarks);
}

describe('DataStream.uid', () => {
  it('stores the uid on the transformation; the runtime keeps state under it', () => {
    const env = new StreamEnvironment();
    const mapped = source(env)
      .uid('readings')
      .map((r) => r, 'identity');
    const stats = mapped
      .keyBy((r) => r.device)
      .window(TumblingEventTimeWindows.of(1_000))
      .aggregate(summaryStats((r: Reading) => r.value));
    expect(stats.uid('device-stats')).toBe(stats);
    stats.sinkTo(new CollectingSink('out')).uid('results');
    expect(env.plan.map((node) => node.uid)).toEqual([
      'readings',
      undefined,
      undefined,
      'device-stats',
      'results',
    ]);
    expect(planUids(env.plan)).toEqual(['readings', 'identity#1', 'device-stats', 'results']);
    expect(operatorUid(stats.transformation)).toBe('device-stats');
  });

  it('refuses an empty uid, a second uid, and a step that holds no state', () => {
    const env = new StreamEnvironment();
    const readings = source(env);
    expect(() => readings.uid('')).toThrow(
      'uid of source "collection" (node 0): give a non-empty string, got ""',
    );
    expect(() => readings.uid('  ')).toThrow(/non-empty/);
    readings.uid('readings');
    expect(readings.uid('readings')).toBe(readings); // the same again is fine
    expect(() => readings.uid('other')).toThrow('already has uid "readings"');
    const keyed = readings.keyBy((r) => r.device);
    expect(() => new DataStream(env, keyed.transformation).uid('k')).toThrow(/holds no state of its own/);
    const late = new OutputTag<Reading>('late');
    const windowed = keyed.window(TumblingEventTimeWindows.of(1_000)).sideOutputLateData(late);
    const side = windowed.aggregate(summaryStats((r: Reading) => r.value)).getSideOutput(late);
    expect(() => side.uid('late')).toThrow(/side-output "side-output:late" \(node \d\) holds no state/);
  });

  it('refuses a uid used twice in the job, naming both steps', () => {
    const env = new StreamEnvironment();
    const readings = source(env);
    readings.map((r) => r, 'first').uid('enrich');
    expect(() => readings.filter(() => true, 'second').uid('enrich')).toThrow(
      'uid "enrich" of operator "second" (node 2) is already the uid of operator "first" (node 1): uids must be unique in a job',
    );
    // a user uid equal to another step's derived uid: refused when the job is planned
    readings.map((r) => r, 'third').uid('fourth#4');
    readings.map((r) => r, 'fourth');
    expect(() => planUids(env.plan)).toThrow(
      'operator "third" (node 3) and operator "fourth" (node 4) have the same uid "fourth#4"',
    );
  });
});

describe('restoring by uid', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir, remove } = await tempDir()));
  afterEach(() => remove());

  const fleet = Array.from({ length: 2_000 }, (_, i) => ({
    device: `d${i % 10}`,
    ts: 10_000 + i * 50,
    value: i % 13,
  }));

  /** source → [an extra step] → keyBy → 1 s windows (uid `uid` if given) → sink. */
  function windowJob(options: {
    uid?: string;
    extraStep?: boolean;
    restore?: CompletedCheckpoint;
    pauseAt?: number;
  }) {
    const clock = new ManualClock(0);
    const records = new CollectionSource(fleet, { batchSize: 20, yieldEvery: 1 });
    const sink = new PausingSink(() => records.pause(), options.pauseAt);
    const env = new StreamEnvironment({ clock });
    let readings = env.fromSource(records, watermarks);
    if (options.extraStep) readings = readings.filter((r) => r.value >= 0, 'all');
    const stats = readings
      .keyBy((r) => r.device)
      .window(TumblingEventTimeWindows.of(1_000))
      .aggregate(
        summaryStats((r: Reading) => r.value),
        (device, window, s) => ({
          device,
          end: window.end,
          count: s.count,
        }),
      );
    if (options.uid) stats.uid(options.uid);
    stats.sinkTo(sink);
    const job = new JobExecution('uids', env.plan, { clock, maxParallelism: env.maxParallelism }, undefined, {
      store: storeIn(dir),
      intervalMs: 0,
      ...(options.restore ? { restore: options.restore } : {}),
    });
    const started = job.start(); // a collection source runs inside start() until its end
    started.catch(() => {});
    return { job, started, sink };
  }

  /** Runs until 100 results, checkpoints, stops: the checkpoint and how many results came before it. */
  async function checkpointMidStream(
    uid?: string,
  ): Promise<{ checkpoint: CompletedCheckpoint; cut: number }> {
    const first = windowJob({ ...(uid ? { uid } : {}), pauseAt: 100 });
    await waitFor(() => first.sink.records.length >= 100);
    const cut = first.sink.records.length;
    await first.job.triggerCheckpoint();
    await first.job.stop();
    await first.started;
    return { checkpoint: (await storeIn(dir).latest())!, cut };
  }

  it('finds a window’s state after a step was added before it, when the window has a uid', async () => {
    const { checkpoint, cut } = await checkpointMidStream('device-windows');
    const restored = windowJob({ uid: 'device-windows', extraStep: true, restore: checkpoint });
    await restored.started;
    await restored.job.finished;
    // 100 windows × 10 devices, 2 readings each: the rest after the cut, none emptied by the restore
    expect(restored.sink.records).toHaveLength(1_000 - cut);
    expect(restored.sink.records.filter((r) => r.count !== 2)).toEqual([]);
  });

  it('without a uid, the same edit leaves the state unplaced and the restore refuses it', async () => {
    const { checkpoint } = await checkpointMidStream();
    const restored = windowJob({ extraStep: true, restore: checkpoint });
    await expect(restored.started).rejects.toMatchObject({ code: 'EDDY_UNKNOWN_OPERATOR_STATE' });
  });
});

/** Collects results; pauses the source once it holds `pauseAt` of them. */
class PausingSink extends CollectingSink<{ device: string; end: number; count: number }> {
  constructor(
    private readonly pause: () => void,
    private readonly pauseAt: number | undefined,
  ) {
    super('windows');
  }

  override write(record: { device: string; end: number; count: number }, timestamp: number): void {
    super.write(record, timestamp);
    if (this.records.length === this.pauseAt) this.pause();
  }
}
