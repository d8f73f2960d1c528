import { describe, expect, it } from 'vitest';
import type { Sink } from '../../../../../services/engine/api/sink.ts';
import type { ChannelMetrics } from '../../../../../services/engine/runtime/channels/exchange-output.ts';
import type { JobExecution } from '../../../../../services/engine/runtime/job-execution.ts';
import { runJob } from '../../../../../services/engine/runtime/parallel/run-job.ts';
import { ManualClock } from '../../../../../services/engine/time/clock.ts';
import type { Event } from './jobs/tumbling-job.ts';
import { ScriptedSource } from './support/scripted-source.ts';
import { noThreadsLeft } from './support/threads.ts';

const JOB = new URL('./jobs/tumbling-job.ts', import.meta.url);
const CHANNEL = { batchSize: 8, capacity: 2 };
const SOURCE_BATCH = 20;

function batches(count: number, keys: number): Event[][] {
  return Array.from({ length: count }, (_, b) =>
    Array.from({ length: SOURCE_BATCH }, (_, i) => ({
      key: `k${i % keys}`,
      ts: b * SOURCE_BATCH + i,
      value: 1,
    })),
  );
}

/** Samples the main thread's channels on every event-loop turn until the job ends. */
function sampleChannels(job: JobExecution): ChannelMetrics[] {
  const samples: ChannelMetrics[] = [];
  const sample = () => {
    samples.push(...(job.metrics().channels ?? []).filter((c) => c.from === 'main'));
    if (job.state === 'running' || job.state === 'starting') setImmediate(sample);
  };
  sample();
  return samples;
}

function expectBounded(samples: readonly ChannelMetrics[]) {
  expect(samples.length).toBeGreaterThan(0);
  for (const s of samples) {
    expect(s.inFlight).toBeLessThanOrEqual(CHANNEL.capacity);
    // a full batch, plus at most what one source batch adds once the source is paused
    expect(s.pendingRecords).toBeLessThan(CHANNEL.batchSize + SOURCE_BATCH);
  }
}

describe('backpressure at parallelism 2', () => {
  it('a slow subtask fills its channel and pauses the source; queues stay bounded', async () => {
    const source = new ScriptedSource(batches(40, 6));
    const results: string[] = [];
    const job = await runJob({
      name: 'slow-subtask',
      module: JOB,
      args: { windowMs: 100, boundMs: 5, slowMs: 0.2 },
      parallelism: 2,
      clock: new ManualClock(0),
      sources: { events: source },
      sinks: { results: collect(results) },
      channel: CHANNEL,
      metricsIntervalMs: 5,
    });
    const samples = sampleChannels(job);
    await job.finished;
    expect(source.pauses).toBeGreaterThan(0);
    // resumed each time, except perhaps after its last batch (a source that ended is not resumed)
    expect(source.resumes).toBeGreaterThanOrEqual(source.pauses - 1);
    expect(samples.some((s) => s.blocked && s.fill === 1)).toBe(true);
    expectBounded(samples);
    const metrics = await job.refreshMetrics();
    for (const c of metrics.channels ?? [])
      expect(c.largestBatch).toBeLessThan(CHANNEL.batchSize + SOURCE_BATCH);
    expect(metrics.sources[0]).toMatchObject({ recordsOut: 800, paused: false, pauses: source.pauses });
    expect(metrics.subtasks?.map((s) => s.subtask)).toEqual([0, 1]);
    expect(metrics.subtasks?.every((s) => s.busy > 0 && s.busy <= 1)).toBe(true);
    expect(results).toHaveLength(6 * 8); // 6 keys × 8 windows of 100 ms over 800 ms of event time
    await noThreadsLeft();
  }, 30_000);

  it('a slow sink in the main thread holds the subtasks, which hold the source', async () => {
    const source = new ScriptedSource(batches(30, 6));
    const results: string[] = [];
    const slow = collect(results, 0.3);
    const job = await runJob({
      name: 'slow-sink',
      module: JOB,
      args: { windowMs: 1, boundMs: 0 }, // one result per record: as many results as records
      parallelism: 2,
      clock: new ManualClock(0),
      sources: { events: source },
      sinks: { results: slow },
      channel: CHANNEL,
      metricsIntervalMs: 5,
    });
    const samples = sampleChannels(job);
    await job.finished;
    expect(results).toHaveLength(600);
    expect(source.pauses).toBeGreaterThan(0);
    expectBounded(samples);
    const gathers = (await job.refreshMetrics()).channels!.filter((c) => c.to === 'main');
    expect(gathers.some((c) => c.timesBlocked > 0)).toBe(true);
  }, 30_000);
});

/** A sink that keeps what it gets, spending `busyMs` per record (a slow sink). */
function collect(into: string[], busyMs = 0): Sink<unknown> {
  return {
    name: 'collect',
    open: async () => {},
    write(record) {
      const until = performance.now() + busyMs;
      while (performance.now() < until) {}
      into.push(String(record));
    },
    flush: async () => {},
    close: async () => {},
  };
}
