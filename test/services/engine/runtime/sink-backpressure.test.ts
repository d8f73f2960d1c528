import { describe, expect, it } from 'vitest';
import type { Sink } from '../../../../services/engine/api/sink.ts';
import type { JobExecution } from '../../../../services/engine/runtime/job-execution.ts';
import { runJob } from '../../../../services/engine/runtime/parallel/run-job.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import type { Event } from './parallel/jobs/tumbling-job.ts';
import { ScriptedSource } from './parallel/support/scripted-source.ts';
import { noThreadsLeft } from './parallel/support/threads.ts';

const JOB = new URL('./parallel/jobs/tumbling-job.ts', import.meta.url);
const SOURCE_BATCH = 20;
const BATCHES = 30;
const CHANNEL = { batchSize: 8, capacity: 2 };

function batches(): Event[][] {
  return Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: SOURCE_BATCH }, (_, i) => ({
      key: `k${i % 6}`,
      ts: b * SOURCE_BATCH + i,
      value: 1,
    })),
  );
}

/**
 * A sink that takes `limit` records, then says it is not writable (it still accepts what comes)
 * until the test calls `release()`, which empties it and calls its drain listeners.
 */
class BlockedSink implements Sink<unknown> {
  readonly name = 'blocked';
  readonly written: unknown[] = [];
  held = 0;
  private readonly listeners = new Set<() => void>();
  private wakeFull: (() => void) | undefined;
  /** Resolves the first time the sink turns not writable. */
  readonly filled = new Promise<void>((resolve) => (this.wakeFull = resolve));

  constructor(private readonly limit: number) {}

  get writable(): boolean {
    return this.held < this.limit;
  }

  onDrain(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async open(): Promise<void> {}

  write(record: unknown): void {
    this.written.push(record);
    this.held++;
    if (!this.writable) this.wakeFull?.();
  }

  release(): void {
    this.held = 0;
    for (const listener of this.listeners) listener();
  }

  flush = async () => {};
  close = async () => {};
}

/** Lets `turns` event-loop turns pass (no wall-clock wait): what is on its way in this thread lands. */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Resolves once `condition` holds, checked on every event-loop turn; fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function start(parallelism: number, source: ScriptedSource<Event>, sink: BlockedSink): Promise<JobExecution> {
  return runJob({
    name: `blocked-sink-p${parallelism}`,
    module: JOB,
    args: { windowMs: 1, boundMs: 0 }, // one result per record
    parallelism,
    clock: new ManualClock(0),
    sources: { events: source },
    sinks: { results: sink },
    channel: CHANNEL,
    metricsIntervalMs: 5,
  });
}

describe('sink backpressure', () => {
  it('at parallelism 1, a sink that is not writable pauses the source until it drains', async () => {
    const source = new ScriptedSource(batches());
    const sink = new BlockedSink(50);
    const job = await start(1, source, sink);
    await sink.filled;
    expect(source.pauses).toBe(1);
    const handed = source.batchesHanded;
    await turns(20);
    // paused: nothing more was read; what the source batch in progress carried still landed
    expect(source.batchesHanded).toBe(handed);
    expect(sink.held).toBeLessThan(50 + SOURCE_BATCH);
    expect(job.metrics().sources[0]).toMatchObject({ ended: false });

    const release = () => {
      sink.release();
      if (job.state === 'running') setImmediate(release);
    };
    release();
    await job.finished;
    expect(sink.written).toHaveLength(BATCHES * SOURCE_BATCH);
    expect(source.resumes).toBeGreaterThanOrEqual(1);
  });

  it('at parallelism 2, the gate feeding the sink stops, credit stops, and the source pauses', async () => {
    const source = new ScriptedSource(batches());
    const sink = new BlockedSink(30);
    const job = await start(2, source, sink);
    await sink.filled;
    // Channel credit pauses and resumes the source on its own; the sink's hold is the pause that lasts.
    const isPaused = () => job.metrics().sources[0]?.paused === true;
    let handed = -1;
    while ((handed !== source.batchesHanded || !isPaused()) && source.batchesHanded < BATCHES) {
      handed = source.batchesHanded;
      await until(() => isPaused() || source.batchesHanded === BATCHES, 'the source pauses');
      await job.refreshMetrics(); // a round trip to every worker: what they sent meanwhile arrived
      await turns(20);
    }
    expect(handed).toBeLessThan(BATCHES);
    // the gate stopped after the batch that filled the sink: the rest waits in the channels
    expect(sink.written.length).toBeLessThan(30 + CHANNEL.batchSize + SOURCE_BATCH);

    const release = () => {
      sink.release();
      if (job.state === 'running') setImmediate(release);
    };
    release();
    await job.finished;
    expect(sink.written).toHaveLength(BATCHES * SOURCE_BATCH);
    await noThreadsLeft();
  }, 30_000);
});
