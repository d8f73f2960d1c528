import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OnlineKMeans } from '../../../ml/models/online-kmeans.ts';
import { StandardScaler } from '../../../ml/models/standard-scaler.ts';
import type { KeyedPrediction } from '../../../ml/operators/keyed-model-operator.ts';
import type { ModelVersion } from '../../../ml/operators/model-outputs.ts';
import { CollectingSink } from '../../../services/engine/api/sinks/collecting-sink.ts';
import type { CompletedCheckpoint } from '../../../services/engine/checkpoint/checkpoint-types.ts';
import { keyGroupOf, subtaskOf } from '../../../services/engine/key-groups.ts';
import { runJob } from '../../../services/engine/runtime/parallel/run-job.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { tempDir } from '../../services/engine/checkpoint/fixtures.ts';
import { storeIn } from '../../services/engine/runtime/checkpointing/checkpoint-test-kit.ts';
import { SteppedSource } from '../../services/engine/runtime/parallel/support/stepped-source.ts';
import { noThreadsLeft } from '../../services/engine/runtime/parallel/support/threads.ts';
import { clusterStream, plantedCentres } from '../support/streams.ts';
import type { GlobalModelJobArgs, Reading } from './jobs/global-model-job.ts';

const JOB = new URL('./jobs/global-model-job.ts', import.meta.url);

/** 4000 readings of 8 devices, one every 5 ms (20 rounds of 1 s): points around planted centres. */
const READINGS: Reading[] = clusterStream({ n: 4000, seed: 11, spread: 1 }).map((e, i) => ({
  device: `d${i % 8}`,
  ts: i * 5,
  x: e.x,
}));

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await tempDir()));
afterEach(() => remove());

/** Runs the global-model job over READINGS from `restore` until `stopAt` (savepoint there, then stop) or the end. */
async function phase(
  args: GlobalModelJobArgs,
  parallelism: number,
  options: {
    stopAt?: number;
    restore?: CompletedCheckpoint;
    savepoint?: string;
    /** Hand over round R's readings only once the version of round R - 2 reached the sink. */
    paceByVersions?: boolean;
  } = {},
) {
  const versions = new VersionSink();
  const source = new SteppedSource(READINGS, {
    batchSize: 50,
    ...(options.stopAt ? { stopAt: options.stopAt } : {}),
    ...(options.paceByVersions
      ? {
          beforeBatch: (offset: number) =>
            versions.reach(Math.floor(READINGS[offset]!.ts / args.mergeEveryMs) - 1),
        }
      : {}),
  });
  const predictions = new CollectingSink<KeyedPrediction<'*', number>>('predictions');
  const job = await runJob({
    name: `global-p${parallelism}`,
    module: JOB,
    args,
    parallelism,
    clock: new ManualClock(0),
    // small channel batches: records reach the workers over many event-loop turns, as from a live
    // feed, so the model broadcast has turns to arrive in (one 4,096-record batch would hold it off)
    channel: { batchSize: 100 },
    sources: { readings: source },
    sinks: { predictions, versions },
    checkpointing: {
      store: storeIn(join(dir, 'checkpoints')),
      intervalMs: 0,
      ...(options.restore ? { restore: options.restore } : {}),
    },
  });
  let savepoint: CompletedCheckpoint | undefined;
  if (options.savepoint) {
    await source.reachedStop;
    savepoint = await job.triggerSavepoint(options.savepoint);
    await job.stop();
  } else {
    await job.finished;
  }
  await noThreadsLeft();
  return { predictions: predictions.records, versions: versions.records, savepoint };
}

/**
 * Collects model versions and tells when a number of them arrived: a source paced by it hands a
 * round's readings over only once the merger's version of the round before last was broadcast, as
 * a live feed (seconds per round) would, instead of racing the broadcast with in-memory readings.
 */
class VersionSink extends CollectingSink<ModelVersion> {
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor() {
    super('versions');
  }

  override write(record: ModelVersion, timestamp: number): void {
    super.write(record, timestamp);
    const arrived = this.waiters.filter((w) => this.records.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.records.length < w.count);
    for (const waiter of arrived) waiter.resolve();
  }

  /** Resolves once `count` versions arrived; rejects after 20 s (the merger is stuck). */
  reach(count: number): Promise<void> {
    if (this.records.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.records.length} versions after 20 s, waiting for ${count}`)),
        20_000,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/** The last version's scaler checked against one scaler that learned every reading. */
function expectWholeStream(last: ModelVersion): void {
  const reference = new StandardScaler();
  for (const r of READINGS) reference.learnOne(r.x);
  const scaler = new StandardScaler();
  scaler.restore(last.snapshot);
  expect(last.learned).toBe(READINGS.length);
  for (const probe of [
    { a: 1, b: 2 },
    { a: -7, b: 12 },
  ]) {
    const [got, want] = [scaler.transformOne(probe), reference.transformOne(probe)];
    expect(got.a).toBeCloseTo(want.a!, 10);
    expect(got.b).toBeCloseTo(want.b!, 10);
  }
}

const SCALER: GlobalModelJobArgs = { model: 'standard-scaler', mergeEveryMs: 1000, predict: false };

describe('global models at parallelism 2 (runJob, worker threads)', () => {
  it('online k-means: versions from the merger, replicas in both subtasks get them, planted centres recovered', async () => {
    const args: GlobalModelJobArgs = {
      model: 'online-kmeans',
      params: { k: 3, globalBatchSize: 32, decayFactor: 0.9, seed: 7 },
      mergeEveryMs: 1000,
      predict: true,
    };
    const { predictions, versions } = await phase(args, 2, { paceByVersions: true });
    expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
    expect(versions.length).toBeGreaterThanOrEqual(19);
    // records that come before a replica has centroids travel as samples: none is lost
    expect(versions.at(-1)!.learned).toBe(READINGS.length);
    const km = new OnlineKMeans(args.params);
    km.restore(versions.at(-1)!.snapshot);
    for (const centre of plantedCentres) {
      const nearest = Math.min(...km.centroids().map((c) => Math.hypot(c.a! - centre.a!, c.b! - centre.b!)));
      expect(nearest).toBeLessThan(0.5);
    }
    // every reading predicted once; devices of the subtask without the merger saw new versions too
    expect(predictions).toHaveLength(READINGS.length);
    const mergerSubtask = subtaskOf(keyGroupOf('*', 128), 2, 128);
    const deviceOf = new Map(READINGS.map((r) => [r.ts, r.device]));
    for (const subtask of [0, 1]) {
      const own = predictions.filter(
        (p) => subtaskOf(keyGroupOf(deviceOf.get(p.ts)!, 128), 2, 128) === subtask,
      );
      expect(own.length).toBeGreaterThan(0);
      const newest = Math.max(...own.map((p) => p.version));
      expect(newest, `subtask ${subtask} (merger in ${mergerSubtask})`).toBeGreaterThan(versions.length / 2);
    }
  }, 30_000);

  it('standard scaler: the last version is exactly the scaler of the whole stream', async () => {
    const { versions } = await phase(SCALER, 2);
    expectWholeStream(versions.at(-1)!);
  }, 30_000);

  it('a savepoint at parallelism 2 restores at 3 and one there at 1: no partial update lost or counted twice', async () => {
    const a = await phase(SCALER, 2, { stopAt: 1_500, savepoint: join(dir, 'sp-p2') });
    const b = await phase(SCALER, 3, { stopAt: 2_800, restore: a.savepoint!, savepoint: join(dir, 'sp-p3') });
    const c = await phase(SCALER, 1, { restore: b.savepoint! });
    for (const part of [a, b, c]) expect(part.versions.length).toBeGreaterThan(0);
    expect(b.versions[0]!.version).toBeGreaterThan(1); // the merger's version survived the rescale
    expectWholeStream(c.versions.at(-1)!);
  }, 60_000);
});
