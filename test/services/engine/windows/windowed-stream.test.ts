import { describe, expect, it } from 'vitest';
import { OutputTag } from '../../../../services/engine/api/output-tag.ts';
import { CollectingSink } from '../../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../../services/engine/api/stream-environment.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { MAX_WATERMARK } from '../../../../services/engine/time/watermark.ts';
import { WatermarkStrategy } from '../../../../services/engine/time/watermark-strategy.ts';
import { EventTimeSessionWindows } from '../../../../services/engine/windows/assigners/event-time-session-windows.ts';
import { SlidingEventTimeWindows } from '../../../../services/engine/windows/assigners/sliding-event-time-windows.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { TimeEvictor } from '../../../../services/engine/windows/evictors/time-evictor.ts';
import { ContinuousEventTimeTrigger } from '../../../../services/engine/windows/triggers/continuous-event-time-trigger.ts';
import { type Trigger, TriggerResult } from '../../../../services/engine/windows/triggers/trigger.ts';
import { sum } from './window-test-kit.ts';

interface Reading {
  readonly device: string;
  readonly ts: number;
  readonly value: number;
}

const r = (device: string, ts: number, value = 1): Reading => ({ device, ts, value });

/** One record per batch, so the source emits a watermark (max ts - bound - 1) after each record. */
function stream(env: StreamEnvironment, readings: readonly Reading[], boundMs = 0) {
  return env
    .fromSource(
      new CollectionSource(readings, { batchSize: 1 }),
      WatermarkStrategy.forBoundedOutOfOrderness<Reading>(boundMs).withTimestampAssigner((x) => x.ts),
    )
    .keyBy((x) => x.device);
}

async function run(env: StreamEnvironment) {
  const job = await env.start('windows');
  await job.finished;
  return job;
}

const asEv = (x: Reading) => ({ key: x.device, value: x.value });
const summed = { ...sum, add: (x: Reading, acc: { s: number }) => sum.add(asEv(x), acc) };

describe('WindowedStream', () => {
  it('countWindow(n) emits the sum of every n records of a key, countWindow(n, slide) the last n every slide', async () => {
    const env = new StreamEnvironment({ clock: new ManualClock(0) });
    const readings = [1, 2, 3, 4, 5, 6, 7].map((v, i) => r('a', i, v));
    const tumbling = new CollectingSink<number>('tumbling');
    const sliding = new CollectingSink<number>('sliding');
    const keyed = stream(env, readings);
    keyed.countWindow(3).aggregate(summed).sinkTo(tumbling);
    keyed.countWindow(3, 2).aggregate(summed).sinkTo(sliding);
    await run(env);
    expect(tumbling.records).toEqual([6, 15]); // 1+2+3, 4+5+6; 7 waits for two more
    expect(sliding.records).toEqual([3, 9, 15]); // 1+2, 2+3+4, 4+5+6
    expect(tumbling.timestamps).toEqual([MAX_WATERMARK, MAX_WATERMARK]);
    expect(() => keyed.countWindow(0)).toThrow(/positive integer count/);
  });

  it('sideOutputLateData sends records too late for their windows to getSideOutput(tag)', async () => {
    const env = new StreamEnvironment({ clock: new ManualClock(0) });
    const late = new OutputTag<Reading>('late');
    const results = new CollectingSink<string>('results');
    const lateSink = new CollectingSink<Reading>('late-sink');
    const windowed = stream(env, [r('a', 1), r('a', 25), r('a', 5, 100), r('a', 22, 10)])
      .window(TumblingEventTimeWindows.of(10))
      .allowedLateness(2)
      .sideOutputLateData(late)
      .reduce(
        (x, y) => ({ device: x.device, ts: y.ts, value: x.value + y.value }),
        (device, window, total) => `${device}${window}=${total.value}`,
      );
    windowed.sinkTo(results);
    windowed.getSideOutput(late).sinkTo(lateSink);
    const job = await run(env);
    expect(results.records).toEqual(['a[0, 10)=1', 'a[20, 30)=11']);
    expect(results.timestamps).toEqual([9, 29]);
    expect(lateSink.records).toEqual([r('a', 5, 100)]);
    expect(lateSink.timestamps).toEqual([5]);
    expect(job.metrics().operators.find((o) => o.name === 'window(10ms)')?.lateRecordsDropped).toBe(0);
  });

  it('runs sliding windows with an early-firing trigger and an evictor through the builder', async () => {
    const env = new StreamEnvironment({ clock: new ManualClock(0) });
    const sink = new CollectingSink<string>();
    stream(env, [r('a', 0, 1), r('a', 4, 2), r('a', 8, 4), r('a', 30, 8)], 100)
      .window(SlidingEventTimeWindows.of(10, 5))
      .trigger(ContinuousEventTimeTrigger.of(100))
      .evictor(TimeEvictor.of(5))
      .aggregate(summed, (device, window, total) => `${device}${window}=${total}`)
      .sinkTo(sink);
    await run(env); // the end of input fires every window at its end
    expect(sink.records).toEqual(['a[-5, 5)=3', 'a[0, 10)=6', 'a[5, 15)=4', 'a[25, 35)=8', 'a[30, 40)=8']);
  });

  it('rejects a trigger that cannot merge for session windows, at once', () => {
    const env = new StreamEnvironment({ clock: new ManualClock(0) });
    const nonMerging: Trigger<Reading> = {
      onElement: () => TriggerResult.FIRE,
      onEventTime: () => TriggerResult.CONTINUE,
      onProcessingTime: () => TriggerResult.CONTINUE,
      clear: () => {},
    };
    const sessions = stream(env, []).window(EventTimeSessionWindows.withGap(10));
    expect(() => sessions.trigger(nonMerging)).toThrow(
      /merges windows \(sessions\), so its trigger must merge too/,
    );
    expect(() => sessions.allowedLateness(-1)).toThrow(/allowed lateness/);
    expect(sessions.withTrigger(ContinuousEventTimeTrigger.of(5))).toBe(sessions);
  });
});
