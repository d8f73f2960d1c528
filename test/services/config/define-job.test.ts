import { describe, expect, it } from 'vitest';
import { ALL, defineJob, windowStats } from '../../../services/config/define-job.ts';
import type { JobSpec } from '../../../services/config/job-spec.ts';
import { parseJobFile } from '../../../services/config/parse-job-file.ts';
import type { LateReading } from '../../../services/domain/late-reading.ts';
import type { Reading } from '../../../services/domain/reading.ts';
import type { WindowAggregate } from '../../../services/domain/window-aggregate.ts';
import { CollectingSink } from '../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../services/engine/api/stream-environment.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';

const T = 1_700_000_000_000; // a multiple of 10 s

const reading = (device: string, metric: string, s: number, value: number): Reading => ({
  device,
  metric,
  ts: T + s * 1_000,
  value,
});

function job(...windows: string[]): JobSpec {
  return parseJobFile(`name: test\nwindows:\n${windows.map((w) => `  - ${w}\n`).join('')}`, 'job.yaml');
}

/** Runs `spec` over `readings` (one batch each, so watermarks move between them) to the end. */
async function run(spec: JobSpec, readings: Reading[]) {
  const results = new CollectingSink<WindowAggregate>('results');
  const late = new CollectingSink<LateReading>('late');
  const env = new StreamEnvironment({ clock: new ManualClock(T) });
  defineJob(env, spec, {
    source: new CollectionSource(readings, { batchSize: 1 }),
    results: [results],
    lateReadings: late,
  });
  const execution = await env.start(spec.name);
  await execution.finished;
  const byWindow = (a: WindowAggregate, b: WindowAggregate) =>
    a.window.localeCompare(b.window) ||
    a.start - b.start ||
    a.device.localeCompare(b.device) ||
    a.metric.localeCompare(b.metric);
  return { results: [...results.records].sort(byWindow), late: late.records, metrics: execution.metrics() };
}

describe('defineJob', () => {
  it('computes the summary statistics per device and metric, as the default job always has', async () => {
    const { results } = await run(job('{ type: tumbling, size: 10s }'), [
      reading('a', 't', 1, 2),
      reading('a', 't', 2, 4),
      reading('b', 't', 3, 6),
      reading('a', 't', 11, 8),
    ]);
    expect(results).toEqual([
      {
        device: 'a',
        metric: 't',
        window: '10s',
        start: T,
        end: T + 10_000,
        count: 2,
        mean: 3,
        min: 2,
        max: 4,
        stddev: 1,
      },
      {
        device: 'b',
        metric: 't',
        window: '10s',
        start: T,
        end: T + 10_000,
        count: 1,
        mean: 6,
        min: 6,
        max: 6,
        stddev: 0,
      },
      {
        device: 'a',
        metric: 't',
        window: '10s',
        start: T + 10_000,
        end: T + 20_000,
        count: 1,
        mean: 8,
        min: 8,
        max: 8,
        stddev: 0,
      },
    ]);
  });

  it('puts the aggregates beyond the five in extra, leaves the five not asked for NaN, and always counts', async () => {
    const { results } = await run(job('{ type: tumbling, size: 10s, aggregates: [sum, first, last, p50] }'), [
      reading('a', 't', 3, 30),
      reading('a', 't', 1, 10),
      reading('a', 't', 2, 20),
    ]);
    expect(results).toHaveLength(1);
    const [result] = results;
    expect(result).toMatchObject({ count: 3, extra: { sum: 60, first: 10, last: 30, p50: 20 } });
    expect([result!.mean, result!.min, result!.max, result!.stddev]).toEqual([NaN, NaN, NaN, NaN]);
  });

  it('keys by metric alone across devices when asked (the device becomes *)', async () => {
    const spec = {
      ...job('{ type: tumbling, size: 10s, aggregates: [count, mean] }'),
      key: ['metric'] as const,
    };
    const { results } = await run(spec, [
      reading('a', 't', 1, 1),
      reading('b', 't', 2, 3),
      reading('b', 'h', 2, 5),
    ]);
    expect(results.map((r) => [r.device, r.metric, r.count, r.mean])).toEqual([
      [ALL, 'h', 1, 5],
      [ALL, 't', 2, 2],
    ]);
  });

  it('runs every window as a branch of its own, each labelled, into the same sinks', async () => {
    const { results } = await run(
      job(
        '{ type: tumbling, size: 10s }',
        '{ type: sliding, size: 20s, slide: 10s }',
        '{ type: session, gap: 5s }',
      ),
      [reading('a', 't', 1, 1), reading('a', 't', 3, 3), reading('a', 't', 15, 15)],
    );
    expect(results.map((r) => [r.window, r.start - T, r.end - T, r.count])).toEqual([
      ['10s', 0, 10_000, 2],
      ['10s', 10_000, 20_000, 1],
      ['20s/10s', -10_000, 10_000, 2],
      ['20s/10s', 0, 20_000, 3],
      ['20s/10s', 10_000, 30_000, 1],
      ['5s-session', 1_000, 8_000, 2],
      ['5s-session', 15_000, 20_000, 1],
    ]);
  });

  const lateScript = [
    reading('a', 't', 1, 1),
    reading('a', 't', 12, 12), // watermark T + 9_999: [T, T + 10 s) fires
    reading('a', 't', 2, 2), // too late for it
  ];

  it('sends readings too late for their window to late_readings with the window they missed (late: influx)', async () => {
    const { results, late, metrics } = await run(
      job('{ type: tumbling, size: 10s, late: influx }'),
      lateScript,
    );
    expect(late).toEqual([{ device: 'a', metric: 't', ts: T + 2_000, value: 2, window: '10s' }]);
    expect(results.map((r) => r.count)).toEqual([1, 1]);
    expect(windowStats(metrics)).toEqual({ resultsOut: 2, lateRecords: 1 });
  });

  it('only counts them by default (late: count)', async () => {
    const { late, metrics } = await run(job('{ type: tumbling, size: 10s }'), lateScript);
    expect(late).toEqual([]);
    expect(windowStats(metrics)).toEqual({ resultsOut: 2, lateRecords: 1 });
  });

  it('gives each window a uid from its place and kind, so other edits of the file keep its state', () => {
    const uids = (spec: JobSpec) => {
      const env = new StreamEnvironment({ clock: new ManualClock(T) });
      defineJob(env, spec, { source: new CollectionSource([]), results: [new CollectingSink('results')] });
      return env.plan.flatMap((node) => (node.uid === undefined ? [] : [node.uid]));
    };
    const windows = [
      '{ type: tumbling, size: 10s }',
      '{ type: sliding, size: 1m, slide: 10s, late: influx }',
      '{ type: session, gap: 30s }',
    ];
    expect(uids(job(...windows))).toEqual([
      'window-0-tumbling-10s',
      'window-1-sliding-1m-10s',
      'window-2-session-30s',
    ]);
    // another window's aggregates and lateness changed, a window added at the end: the same uids
    const edited = job(
      '{ type: tumbling, size: 10s }',
      '{ type: sliding, size: 1m, slide: 10s, aggregates: [count, p95] }',
      '{ type: session, gap: 30s }',
      '{ type: tumbling, size: 1m }',
    );
    expect(uids(edited)).toEqual([
      'window-0-tumbling-10s',
      'window-1-sliding-1m-10s',
      'window-2-session-30s',
      'window-3-tumbling-1m',
    ]);
  });

  it('needs somewhere to send results', () => {
    const env = new StreamEnvironment({ clock: new ManualClock(T) });
    expect(() =>
      defineJob(env, job('{ type: tumbling, size: 10s }'), { source: new CollectionSource([]), results: [] }),
    ).toThrow(/at least one result sink/);
  });
});
