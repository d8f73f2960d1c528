import { describe, expect, it } from 'vitest';
import { summaryStats } from '../../../../services/engine/aggregates/summary-stats.ts';
import { OutputTag } from '../../../../services/engine/api/output-tag.ts';
import { CollectingSink } from '../../../../services/engine/api/sinks/collecting-sink.ts';
import type { Source, SourceContext } from '../../../../services/engine/api/source.ts';
import { CollectionSource } from '../../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../../services/engine/api/stream-environment.ts';
import { BaseOperator } from '../../../../services/engine/runtime/operators/base-operator.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { WatermarkStrategy } from '../../../../services/engine/time/watermark-strategy.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';

interface Reading {
  device: string;
  ts: number;
  value: number;
}

const watermarks = (boundMs: number) =>
  WatermarkStrategy.forBoundedOutOfOrderness<Reading>(boundMs).withTimestampAssigner((r) => r.ts);

/** A source the test pushes into by hand. */
class PushSource implements Source<Reading> {
  readonly name = 'push';
  ctx!: SourceContext<Reading>;
  closed = false;
  async open(ctx: SourceContext<Reading>) {
    this.ctx = ctx;
  }
  async close() {
    this.closed = true;
  }
}

function windowJob(
  env: StreamEnvironment,
  source: Source<Reading>,
  sink: CollectingSink<string>,
  boundMs = 2,
) {
  env
    .fromSource(source, watermarks(boundMs))
    .filter((r) => r.value >= 0)
    .map((r) => ({ ...r, value: r.value * 10 }))
    .keyBy((r) => r.device)
    .window(TumblingEventTimeWindows.of(10))
    .aggregate(
      summaryStats((r: Reading) => r.value),
      (device, w, s) => `${device}[${w.start},${w.end}) n=${s.count} max=${s.max}`,
    )
    .sinkTo(sink);
}

describe('StreamEnvironment: source → filter → map → keyBy → window → sink', () => {
  it('runs a bounded job to the end: every window fires at end of input and sinks are closed', async () => {
    const env = new StreamEnvironment({ clock: new ManualClock(0) });
    const sink = new CollectingSink<string>();
    const readings: Reading[] = [
      { device: 'a', ts: 1, value: 1 },
      { device: 'b', ts: 2, value: 2 },
      { device: 'a', ts: 11, value: 3 },
      { device: 'a', ts: 5, value: 4 }, // out of order within the bound: counted in [0,10)
      { device: 'a', ts: 12, value: -1 }, // filtered
      { device: 'b', ts: 25, value: 5 },
    ];
    windowJob(env, new CollectionSource(readings, { batchSize: 2 }), sink);
    const job = await env.start('bounded');
    await job.finished;
    expect(job.state).toBe('stopped');
    expect(sink.closed).toBe(true);
    expect(sink.records).toEqual([
      'a[0,10) n=2 max=40',
      'b[0,10) n=1 max=20',
      'a[10,20) n=1 max=30',
      'b[20,30) n=1 max=50',
    ]);
    expect(sink.timestamps).toEqual([9, 9, 19, 29]);
    const metrics = job.metrics();
    expect(metrics.sources[0]).toMatchObject({ recordsOut: 6, ended: true });
    expect(metrics.operators.map((o) => o.name)).toEqual(['filter', 'map', 'window(10ms)', 'collect']);
  });

  it('closes the last window of a stream that goes quiet, driven by the processing-time clock', async () => {
    const clock = new ManualClock(1_000);
    const env = new StreamEnvironment({ clock });
    const sink = new CollectingSink<string>();
    const source = new PushSource();
    env
      .fromSource(source, watermarks(2_000).withQuietPeriod(5_000))
      .keyBy((r) => r.device)
      .window(TumblingEventTimeWindows.of(10_000))
      .aggregate(
        summaryStats((r: Reading) => r.value),
        (d, w, s) => `${d}@${w.start} n=${s.count}`,
      )
      .sinkTo(sink);
    const job = await env.start('quiet');
    source.ctx.collectBatch([
      { device: 'a', ts: 1_000, value: 1 },
      { device: 'a', ts: 9_000, value: 2 },
    ]);
    clock.advance(4_800);
    expect(sink.records).toEqual([]); // not quiet yet, watermark 6_999
    clock.advance(200); // quiet for 5 s: watermark = 9_000 - 2_001 + 5_000 = 11_999 >= 9_999
    expect(sink.records).toEqual(['a@0 n=2']);
    await job.stop();
    expect(source.closed).toBe(true);
    expect(clock.pendingCount()).toBe(0);
  });

  it('fails the job when a user function throws, and says why', async () => {
    const env = new StreamEnvironment({ clock: new ManualClock(0) });
    const sink = new CollectingSink<Reading>();
    env
      .fromSource(new CollectionSource([{ device: 'a', ts: 1, value: 1 }]), watermarks(0))
      .map((): Reading => {
        throw new Error('boom');
      })
      .sinkTo(sink);
    const job = await env.start('failing');
    await expect(job.finished).rejects.toThrow('boom');
    expect(job.state).toBe('failed');
  });

  it('stop({ drain: true }) fires open windows; a plain stop does not', async () => {
    for (const drain of [false, true]) {
      const env = new StreamEnvironment({ clock: new ManualClock(0) });
      const sink = new CollectingSink<string>();
      const source = new PushSource();
      windowJob(env, source, sink);
      const job = await env.start('drain');
      source.ctx.collect({ device: 'a', ts: 3, value: 1 });
      await job.stop({ drain });
      expect(sink.records).toEqual(drain ? ['a[0,10) n=1 max=10'] : []);
    }
  });

  it('routes side outputs to their consumers, with watermarks, and drops unconsumed ones', async () => {
    const env = new StreamEnvironment({ clock: new ManualClock(0) });
    const negatives = new OutputTag<Reading>('negatives');
    const unused = new OutputTag<string>('unused');
    const main = new CollectingSink<Reading>('main');
    const side = new CollectingSink<Reading>('side');
    const readings = [
      { device: 'a', ts: 1, value: 1 },
      { device: 'a', ts: 2, value: -2 },
      { device: 'b', ts: 3, value: 3 },
    ];
    const split = env.fromSource(new CollectionSource(readings), watermarks(0)).transform(
      'split',
      () =>
        new (class extends BaseOperator<Reading, Reading> {
          processElement(value: Reading, timestamp: number) {
            if (value.value < 0) this.output.sideOutput(negatives, value, timestamp);
            else this.emit(value, timestamp);
            this.output.sideOutput(unused, 'x', timestamp);
          }
        })('split'),
    );
    split.sinkTo(main);
    const sideStream = split.getSideOutput(negatives);
    sideStream
      .keyBy((r) => r.device)
      .window(TumblingEventTimeWindows.of(10))
      .aggregate(
        summaryStats((r: Reading) => r.value),
        (d, _w, s) => ({ device: d, ts: 0, value: s.count }),
      )
      .sinkTo(side);
    const job = await env.start('side outputs');
    await job.finished;
    expect(main.records.map((r) => r.value)).toEqual([1, 3]);
    expect(side.records).toEqual([{ device: 'a', ts: 0, value: 1 }]); // fired by the watermark at end of input
    expect(() =>
      env.fromSource(new CollectionSource<Reading>([]), watermarks(0)).getSideOutput(negatives),
    ).toThrow(/not an operator/);
  });

  it('refuses a job without a sink and a source without a timestamp assigner', async () => {
    const env = new StreamEnvironment({ clock: new ManualClock(0) });
    env.fromSource(new CollectionSource<Reading>([]), watermarks(0));
    await expect(env.start('no sink')).rejects.toThrow(/no sink/);
    expect(() =>
      env.fromSource(new CollectionSource<Reading>([]), WatermarkStrategy.forBoundedOutOfOrderness(0)),
    ).toThrow(/timestamp assigner/);
  });
});
