import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../../services/domain/reading.ts';
import { OutputTag } from '../../../../services/engine/api/output-tag.ts';
import { CollectingSink } from '../../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../../services/engine/api/stream-environment.ts';
import type {
  Collector,
  KeyedProcessFunction,
  OnTimerContext,
  ProcessContext,
} from '../../../../services/engine/process/keyed-process-function.ts';
import type { KeyedStateContext, ValueState } from '../../../../services/engine/state/keyed-state.ts';
import { ValueStateDescriptor } from '../../../../services/engine/state/state-descriptors.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { WatermarkStrategy } from '../../../../services/engine/time/watermark-strategy.ts';

interface Timeout {
  device: string;
  lastSeen: number;
}

const SILENCE_MS = 10_000;
const timeouts = new OutputTag<Timeout>('device-timeouts');

/**
 * Alerts when a device's value rose for 3 readings in a row (once per run), and emits a timeout
 * (side output) when a device sent nothing for 10 s of event time.
 */
class RisingOrSilent implements KeyedProcessFunction<string, Reading, string> {
  private last!: ValueState<number | undefined>;
  private rises!: ValueState<number>;
  private timer!: ValueState<number | undefined>;

  open(ctx: KeyedStateContext): void {
    this.last = ctx.getState(new ValueStateDescriptor<number | undefined>('last'));
    this.rises = ctx.getState(new ValueStateDescriptor<number>('rises', 0));
    this.timer = ctx.getState(new ValueStateDescriptor<number | undefined>('timeout-timer'));
  }

  processElement(reading: Reading, ctx: ProcessContext<string>, out: Collector<string>): void {
    const last = this.last.value();
    const rises = last !== undefined && reading.value > last ? this.rises.value() + 1 : 0;
    if (rises === 3) out.collect(`${ctx.currentKey} rose 3 times in a row, to ${reading.value}`);
    this.rises.update(rises);
    this.last.update(reading.value);

    const previous = this.timer.value();
    const silentAt = Math.max(previous ?? 0, ctx.timestamp + SILENCE_MS);
    if (previous !== silentAt) {
      if (previous !== undefined) ctx.timerService.deleteEventTimeTimer(previous);
      ctx.timerService.registerEventTimeTimer(silentAt);
      this.timer.update(silentAt);
    }
  }

  onTimer(time: number, ctx: OnTimerContext<string>): void {
    ctx.output(timeouts, { device: ctx.currentKey, lastSeen: time - SILENCE_MS });
    this.last.clear();
    this.rises.clear();
    this.timer.clear();
  }
}

const reading = (device: string, ts: number, value: number): Reading => ({ device, metric: 't', ts, value });

describe('keyBy → process → sink, with a side output (end to end through StreamEnvironment)', () => {
  it('alerts on 3 rises in a row and reports devices silent for 10 s of event time', async () => {
    const readings = [
      reading('d1', 0, 1),
      reading('d2', 500, 5),
      reading('d1', 1_000, 2),
      reading('d2', 1_500, 4),
      reading('d1', 2_000, 3),
      reading('d2', 2_500, 6),
      reading('d1', 3_000, 4), // d1: 3 rises → alert
      reading('d2', 3_500, 7),
      reading('d1', 4_000, 5), // 4 rises: same run, no second alert
      reading('d2', 4_500, 8), // d2: 3 rises → alert
      reading('d2', 7_500, 1),
      reading('d2', 10_500, 2),
      reading('d2', 13_500, 3),
      reading('d2', 16_500, 4), // d2: alert; the watermark (15,499) passes d1's timeout at 14,000
      reading('d2', 16_000, 0), // out of order, within the bound: resets the run, timer stays at 26,500
      reading('d1', 20_000, 10), // d1 is back, with fresh state
    ];
    const env = new StreamEnvironment({ clock: new ManualClock(0) });
    const alerts = new CollectingSink<string>('alerts');
    const silent = new CollectingSink<Timeout>('timeouts');
    const processed = env
      .fromSource(
        new CollectionSource(readings, { batchSize: 1 }),
        WatermarkStrategy.forBoundedOutOfOrderness<Reading>(1_000).withTimestampAssigner((r) => r.ts),
      )
      .keyBy((r) => r.device)
      .process(new RisingOrSilent(), 'rising-or-silent');
    processed.sinkTo(alerts);
    processed.getSideOutput(timeouts).sinkTo(silent);

    const job = await env.start('rising-or-silent');
    await job.finished;

    expect(alerts.records).toEqual([
      'd1 rose 3 times in a row, to 4',
      'd2 rose 3 times in a row, to 8',
      'd2 rose 3 times in a row, to 4',
    ]);
    expect(alerts.timestamps).toEqual([3_000, 4_500, 16_500]);
    // The last two fire at end of input, when event time jumps to the end.
    expect(silent.records).toEqual([
      { device: 'd1', lastSeen: 4_000 },
      { device: 'd2', lastSeen: 16_500 },
      { device: 'd1', lastSeen: 20_000 },
    ]);
    expect(silent.timestamps).toEqual([14_000, 26_500, 30_000]);
    const operator = job.metrics().operators.find((o) => o.name === 'rising-or-silent');
    expect(operator).toMatchObject({ recordsIn: 16, recordsOut: 3, stateKeys: 0, stateEntries: 0 });
  });

  it('fires processing-time timers from the environment clock while the job runs', async () => {
    const clock = new ManualClock(1_000);
    const env = new StreamEnvironment({ clock });
    const sink = new CollectingSink<string>();
    const pushed: Reading[] = [reading('a', 5, 1), reading('b', 6, 2)];
    let push!: (r: Reading) => void;
    env
      .fromSource(
        {
          name: 'push',
          async open(ctx) {
            push = (r) => ctx.collect(r);
          },
          async close() {},
        },
        WatermarkStrategy.forBoundedOutOfOrderness<Reading>(0).withTimestampAssigner((r) => r.ts),
      )
      .keyBy((r) => r.device)
      .process<string>({
        processElement(_r, ctx) {
          ctx.timerService.registerProcessingTimeTimer(ctx.timerService.currentProcessingTime() + 500);
        },
        onTimer(time, ctx, out) {
          out.collect(`${ctx.currentKey} ${ctx.timeDomain} at ${time}`);
        },
      })
      .sinkTo(sink);
    const job = await env.start('processing-time');
    push(pushed[0]!);
    clock.advance(100);
    push(pushed[1]!);
    clock.advance(400);
    expect(sink.records).toEqual(['a processing-time at 1500']);
    clock.advance(100);
    expect(sink.records).toEqual(['a processing-time at 1500', 'b processing-time at 1600']);
    expect(sink.timestamps).toEqual([1_500, 1_600]);
    await job.stop();
  });
});
