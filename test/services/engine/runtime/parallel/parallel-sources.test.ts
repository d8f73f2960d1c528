import { afterEach, describe, expect, it } from 'vitest';
import { CollectingSink } from '../../../../../services/engine/api/sinks/collecting-sink.ts';
import type { JobExecution } from '../../../../../services/engine/runtime/job-execution.ts';
import { runJob } from '../../../../../services/engine/runtime/parallel/run-job.ts';
import { MIN_WATERMARK } from '../../../../../services/engine/time/watermark.ts';
import { waitFor } from '../../../../support/wait-for.ts';
import type { SplitJobArgs } from './jobs/split-job.ts';
import type { Event } from './jobs/tumbling-job.ts';
import { noThreadsLeft } from './support/threads.ts';

const JOB = new URL('./jobs/split-job.ts', import.meta.url);
const events = (keys: string[], from: number, to: number): Event[] =>
  Array.from({ length: to - from }, (_, i) => ({ key: keys[i % keys.length]!, ts: from + i, value: 1 }));

const running: JobExecution[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((job) => job.stop()));
  await noThreadsLeft();
});

async function start(args: SplitJobArgs) {
  const sink = new CollectingSink<string>('results');
  const job = await runJob({ name: 'splits', module: JOB, args, parallelism: 2, sinks: { results: sink } });
  running.push(job);
  return { job, sink };
}

async function windowOperator(job: JobExecution) {
  const metrics = await job.refreshMetrics();
  return metrics.operators.find((o) => o.name === 'window(10ms)')!;
}

/** Waits until the keyed windows took in `count` records (summed over the subtasks). */
async function recordsIn(job: JobExecution, count: number) {
  await waitFor(async () => (await windowOperator(job)).recordsIn === count, {
    message: `${count} records in the windows`,
  });
}

describe('parallel sources: one split per subtask, per-input watermarks', () => {
  it("a subtask's watermark is the minimum over the splits feeding it", async () => {
    const { job, sink } = await start({
      splits: [events(['a', 'b', 'c'], 0, 100), events(['a', 'd'], 0, 30)],
    });
    await recordsIn(job, 130);
    // split 0 is at watermark 98, split 1 at 28 (monotonous: max timestamp - 1): the minimum wins
    await waitFor(async () => (await windowOperator(job)).watermark === 28, { message: 'watermark 28' });
    await waitFor(() => sink.records.length === 8, { message: 'the 8 windows ending by 28' });
    expect([...sink.records].sort()).toEqual([
      'a[0,10) n=9',
      'a[10,20) n=8',
      'b[0,10) n=3',
      'b[10,20) n=4',
      'c[0,10) n=3',
      'c[10,20) n=3',
      'd[0,10) n=5',
      'd[10,20) n=5',
    ]);
    const splits = (await job.refreshMetrics()).sources;
    expect(splits.map((s) => [s.subtask, s.recordsOut, s.watermark])).toEqual([
      [0, 100, 98],
      [1, 30, 28],
    ]);
  }, 20_000);

  it('without idleness an empty split holds every window back until the job drains', async () => {
    const { job, sink } = await start({ splits: [events(['a', 'b'], 0, 50), []] });
    await recordsIn(job, 50);
    expect((await windowOperator(job)).watermark).toBe(MIN_WATERMARK);
    expect(sink.records).toEqual([]);
    await job.stop({ drain: true });
    expect(sink.records).toHaveLength(10); // 2 keys × 5 windows, all at the drain
  }, 20_000);

  it('withIdleness: an empty split stops holding the watermark back after the timeout', async () => {
    const { job, sink } = await start({ splits: [events(['a', 'b'], 0, 50), []], idleMs: 30 });
    // Split 1 goes idle 30 ms after it opened: split 0 alone (watermark 48) drives the windows.
    await waitFor(() => sink.records.length === 8, { message: '8 windows fired without a drain' });
    expect([...sink.records].sort()).toEqual(
      [0, 10, 20, 30].flatMap((start) => ['a', 'b'].map((k) => `${k}[${start},${start + 10}) n=5`)).sort(),
    );
    expect((await windowOperator(job)).watermark).toBe(48);
    // split 0 went idle too, 30 ms after its last record: the subtasks then follow the highest idle watermark
    await waitFor(async () => (await job.refreshMetrics()).sources.every((s) => s.idle), {
      message: 'both idle',
    });
  }, 20_000);
});
