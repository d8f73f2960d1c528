import { describe, expect, it } from 'vitest';
import { summaryStats } from '../../../../../services/engine/aggregates/summary-stats.ts';
import { CollectingSink } from '../../../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../../../services/engine/api/stream-environment.ts';
import { runJob } from '../../../../../services/engine/runtime/parallel/run-job.ts';
import { SubtaskFailure } from '../../../../../services/engine/runtime/parallel/subtask-host.ts';
import { ManualClock } from '../../../../../services/engine/time/clock.ts';
import { WatermarkStrategy } from '../../../../../services/engine/time/watermark-strategy.ts';
import { TumblingEventTimeWindows } from '../../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import type { Event } from './jobs/tumbling-job.ts';
import { ScriptedSource } from './support/scripted-source.ts';
import { noThreadsLeft } from './support/threads.ts';

const JOB = new URL('./jobs/tumbling-job.ts', import.meta.url);
const ARGS = { windowMs: 10, boundMs: 2 };
const WATERMARKS = WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.ts);
const events: Event[] = Array.from({ length: 60 }, (_, i) => ({ key: `k${i % 5}`, ts: i, value: i }));
const inBatches = (list: readonly Event[], size = 7) =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

async function start(
  parallelism: number,
  source: ScriptedSource<Event>,
  sink: CollectingSink<string>,
  args = {},
) {
  return runJob({
    name: 'lifecycle',
    module: JOB,
    args: { ...ARGS, ...args },
    parallelism,
    clock: new ManualClock(0),
    sources: { events: source },
    sinks: { results: sink },
  });
}

/** Resolves once the source has handed over every batch. */
async function handedOver(source: ScriptedSource<Event>, batches: number) {
  for (let i = 0; i < 1_000 && source.batchesHanded < batches; i++) await new Promise((r) => setImmediate(r));
  expect(source.batchesHanded).toBe(batches);
}

describe('a parallel job stops cleanly', () => {
  it('stop({ drain: true }) fires every open window, delivers the results and ends every thread', async () => {
    const batches = inBatches(events);
    const drained: string[][] = [];
    for (const parallelism of [1, 3]) {
      const source = new ScriptedSource(batches, { end: false }); // unbounded: never ends by itself
      const sink = new CollectingSink<string>('results');
      const job = await start(parallelism, source, sink);
      await handedOver(source, batches.length);
      await job.stop({ drain: true });
      expect(job.state).toBe('stopped');
      expect(sink.closed).toBe(true);
      drained.push([...sink.records].sort());
    }
    expect(drained[1]).toEqual(drained[0]);
    expect(drained[0]).toHaveLength(5 * 6); // 5 keys × windows [0,10) … [50,60)
    await noThreadsLeft();
  }, 20_000);

  it('stop() without drain delivers what already fired (in flight included) and nothing else', async () => {
    const batches = inBatches(events);
    const stopped: string[][] = [];
    for (const parallelism of [1, 2]) {
      const source = new ScriptedSource(batches, { end: false });
      const sink = new CollectingSink<string>('results');
      const job = await start(parallelism, source, sink);
      await handedOver(source, batches.length);
      await job.stop();
      stopped.push([...sink.records].sort());
    }
    expect(stopped[1]).toEqual(stopped[0]);
    expect(stopped[0]!.length).toBeGreaterThan(0);
    expect(stopped[0]!.length).toBeLessThan(5 * 6); // the last windows stay open
  }, 20_000);

  it('stop() is idempotent and waits for the same shutdown', async () => {
    const job = await start(2, new ScriptedSource(inBatches(events), { end: false }), new CollectingSink());
    const [a, b] = [job.stop(), job.stop()];
    expect(a).toBe(b);
    await a;
    await job.finished;
  }, 20_000);
});

describe('a failing subtask fails the job', () => {
  it('a subtask stuck in a user function fails stop() after the stop timeout, and its thread is ended', async () => {
    const job = await runJob({
      name: 'stuck',
      module: JOB,
      args: { ...ARGS, slowMs: 60_000 }, // a minute per record
      parallelism: 2,
      sources: { events: new ScriptedSource(inBatches(events), { end: false }) },
      sinks: { results: new CollectingSink() },
      stopTimeoutMs: 300,
    });
    await job.stop();
    expect(job.state).toBe('failed');
    expect(String(job.error)).toMatch(/did not finish what was in flight within 300 ms of stop\(\)/);
    await noThreadsLeft();
  }, 20_000);

  it("with the worker's message and stack; every thread ends", async () => {
    const sink = new CollectingSink<string>('results');
    const source = new ScriptedSource(inBatches(events), { end: false });
    const job = await start(2, source, sink, { failOnKey: 'k3' });
    const error = await job.finished.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SubtaskFailure);
    expect((error as Error).message).toMatch(/^subtask \d\/2 failed: poisoned key k3$/);
    expect((error as Error).stack).toMatch(/in the worker thread[\s\S]*tumbling-job\.ts/);
    expect(job.state).toBe('failed');
    expect(job.error).toBe(error);
    await job.stop(); // harmless after a failure
    await noThreadsLeft();
  }, 20_000);

  it('a record that cannot be sent to another thread fails the job with what to do, not the process', async () => {
    const poisoned = { key: 'k1', ts: 1, value: 1, format: () => 'a function cannot be cloned' };
    const job = await start(2, new ScriptedSource([[poisoned]], { end: false }), new CollectingSink());
    await expect(job.finished).rejects.toThrow(
      /cannot send a batch .* structured-cloneable .* env\.setRecordCodec/,
    );
    await job.stop();
    await noThreadsLeft();
  }, 20_000);

  it('a module that cannot be built in a worker fails start() with what is wrong', async () => {
    await expect(
      runJob({
        name: 'bad-export',
        module: JOB,
        exportName: 'nope',
        parallelism: 2,
        sources: { events: new ScriptedSource([]) },
        sinks: { results: new CollectingSink() },
      }),
    ).rejects.toThrow(/no function export "nope" \(exports: .*tumblingJob/);
    await noThreadsLeft();
  });
});

describe('what parallelism > 1 needs', () => {
  it('a job module: env.start() at parallelism 2 without one says how to write the job', async () => {
    const env = new StreamEnvironment({ parallelism: 2 });
    env
      .fromSource(new CollectionSource<Event>([]), WATERMARKS)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(10))
      .aggregate(summaryStats((e: Event) => e.value))
      .sinkTo(new CollectingSink());
    await expect(env.start('closures')).rejects.toThrow(/runJob\(\{ module, parallelism \}\)/);
  });

  it('sources that can pause: a source without pause()/resume() cannot feed subtasks', async () => {
    const noPause = { name: 'no-pause', open: async () => {}, close: async () => {} };
    await expect(
      runJob({
        name: 'no-pause',
        module: JOB,
        args: ARGS,
        parallelism: 2,
        sources: { events: noPause },
        sinks: { results: new CollectingSink() },
      }),
    ).rejects.toThrow(/cannot be paused .* implement pause\/resume, or run at parallelism 1/);
  });

  it('every bound source and sink, named in the error when missing', async () => {
    await expect(
      runJob({ name: 'unbound', module: JOB, args: ARGS, sinks: { results: new CollectingSink() } }),
    ).rejects.toThrow(/no source bound to "events" \(bound: none\)/);
  });

  it('plain-data args', async () => {
    await expect(runJob({ name: 'fn-args', module: JOB, args: { f: () => 1 } })).rejects.toThrow(
      /structured-cloneable/,
    );
  });
});
