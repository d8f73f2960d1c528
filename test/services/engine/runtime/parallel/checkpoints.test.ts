import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CollectingSink } from '../../../../../services/engine/api/sinks/collecting-sink.ts';
import type { CompletedCheckpoint } from '../../../../../services/engine/checkpoint/checkpoint-types.ts';
import { MANIFEST_FILE } from '../../../../../services/engine/checkpoint/checkpoint-types.ts';
import { keyGroupRange } from '../../../../../services/engine/key-groups.ts';
import { runJob } from '../../../../../services/engine/runtime/parallel/run-job.ts';
import { ManualClock } from '../../../../../services/engine/time/clock.ts';
import { tempDir } from '../../checkpoint/fixtures.ts';
import { storeIn } from '../checkpointing/checkpoint-test-kit.ts';
import type { Event, TumblingJobArgs } from './jobs/tumbling-job.ts';
import { SteppedSource } from './support/stepped-source.ts';
import { noThreadsLeft } from './support/threads.ts';

const JOB = new URL('./jobs/tumbling-job.ts', import.meta.url);

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await tempDir()));
afterEach(() => remove());

/**
 * A deterministic keyed stream: 16 keys, about one event per ms with up to 3 ms of disorder (the
 * job's bound), a few negative values (filtered); with `late`, every 50th event is 120 ms behind
 * (late: its window closed).
 */
function events(count: number, late = true): Event[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `k${(i * 7) % 16}`,
    ts: Math.max(0, i - (late && i % 50 === 49 ? 120 : i % 4)),
    value: ((i * 13) % 53) - 2,
  }));
}

const sorted = <T>(values: readonly T[]) => values.map((v) => JSON.stringify(v)).sort();

describe('checkpoints at parallelism > 1', () => {
  it('a keyed job over split sources at parallelism 2: every task of every worker writes its file, the manifest lists them, results are unchanged', async () => {
    // No late events: with splits, which records are late depends on how the splits interleave.
    // Long enough (~5 s per split at 0.5 ms a record) that both checkpoints complete before the
    // splits end, also on a loaded machine (aligned barriers wait behind the records in flight;
    // at ~2 s a split, CI under load once saw the job end before the second checkpoint).
    const all = events(20_000, false);
    const args: TumblingJobArgs = {
      windowMs: 10,
      boundMs: 3,
      slowMs: 0.5,
      split: { events: all, batchSize: 20 },
    };
    const reference = new CollectingSink<string>('results');
    const plain = await runJob({ name: 'reference', module: JOB, args, sinks: { results: reference } });
    await plain.finished;

    const results = new CollectingSink<string>('results');
    const store = storeIn(dir);
    const job = await runJob({
      name: 'checkpointed',
      module: JOB,
      args,
      parallelism: 2,
      clock: new ManualClock(0),
      sinks: { results },
      checkpointing: { store, intervalMs: 0 },
    });
    const first = await job.triggerCheckpoint();
    const second = await job.triggerCheckpoint();
    expect(second.id).toBeGreaterThan(first.id);
    const latest = (await store.latest())!;
    await job.finished;
    await noThreadsLeft();
    expect(sorted(results.records)).toEqual(sorted(reference.records));

    const manifest = JSON.parse(await readFile(join(latest.dir, MANIFEST_FILE), 'utf8'));
    expect(manifest.parallelism).toBe(2);
    const tasks = manifest.tasks as {
      task: string;
      subtask: number;
      file: string;
      keyGroupRange: unknown;
      operators: string[];
    }[];
    for (const task of tasks) await access(join(latest.dir, task.file)); // every listed file is there
    // Per worker: the split's chain (source position) and the keyed chain (its key groups of the window).
    for (const subtask of [0, 1]) {
      const own = tasks.filter((t) => t.subtask === subtask && t.task !== 'main' && t.task !== 'main-sinks');
      expect(own).toHaveLength(2);
      const keyed = own.find((t) => t.keyGroupRange !== null)!;
      expect(keyed.keyGroupRange).toEqual(keyGroupRange(subtask, 2, 128));
      expect(keyed.operators.some((uid) => uid.startsWith('window'))).toBe(true);
      const split = own.find((t) => t.keyGroupRange === null)!;
      expect(split.operators).toEqual(['source#0']);
    }
    expect(tasks.map((t) => `${t.task}#${t.subtask}`)).toEqual(
      expect.arrayContaining(['main#0', 'main-sinks#0']),
    );
    expect(job.metrics().state).toBe('stopped');
  }, 60_000);

  it('rescaling: a savepoint taken at parallelism 1 restores at 3, a savepoint there restores at 1; the union of results is the uninterrupted run', async () => {
    const all = events(3_000);
    const args: TumblingJobArgs = { windowMs: 50, boundMs: 3, collectLate: true };
    const uninterrupted = await phase(all, args, 1, {});
    expect(uninterrupted.late.length).toBeGreaterThan(0);

    const a = await phase(all, args, 1, { stopAt: 1_000, savepoint: join(dir, 'sp-p1') });
    const b = await phase(all, args, 3, {
      stopAt: 2_000,
      restore: a.savepoint!,
      savepoint: join(dir, 'sp-p3'),
    });
    expect(b.savepoint!.manifest.parallelism).toBe(3);
    const keyed = b.savepoint!.manifest.tasks.filter((t) => t.keyGroupRange !== null);
    const ranges = keyed.map((t) => t.keyGroupRange!).sort((x, y) => x.start - y.start);
    expect(ranges).toEqual([0, 1, 2].map((i) => keyGroupRange(i, 3, 128)));
    const c = await phase(all, args, 1, { restore: b.savepoint! });

    // Each phase emitted something, and together exactly what the uninterrupted run emitted.
    for (const part of [a, b, c]) expect(part.results.length).toBeGreaterThan(0);
    expect(sorted([...a.results, ...b.results, ...c.results])).toEqual(sorted(uninterrupted.results));
    expect(sorted([...a.late, ...b.late, ...c.late])).toEqual(sorted(uninterrupted.late));
  }, 30_000);

  /** Runs the tumbling job from `restore` until the source reaches `stopAt` (a savepoint there, then stop) or its end. */
  async function phase(
    all: readonly Event[],
    args: TumblingJobArgs,
    parallelism: number,
    options: { stopAt?: number; restore?: CompletedCheckpoint; savepoint?: string },
  ) {
    const source = new SteppedSource(all, {
      batchSize: 25,
      ...(options.stopAt ? { stopAt: options.stopAt } : {}),
    });
    const results = new CollectingSink<string>('results');
    const late = new CollectingSink<Event>('late');
    const job = await runJob({
      name: `p${parallelism}`,
      module: JOB,
      args,
      parallelism,
      clock: new ManualClock(0),
      sources: { events: source },
      sinks: { results, late },
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
    return { results: results.records, late: late.records, savepoint };
  }
});
