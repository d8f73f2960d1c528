import { describe, expect, it } from 'vitest';
import { OutputTag } from '../../../../services/engine/api/output-tag.ts';
import type {
  Collector,
  KeyedProcessFunction,
  OnTimerContext,
  ProcessContext,
} from '../../../../services/engine/process/keyed-process-function.ts';
import { KeyedProcessOperator } from '../../../../services/engine/process/keyed-process-operator.ts';
import type { KeyedStateContext, ValueState } from '../../../../services/engine/state/keyed-state.ts';
import { ValueStateDescriptor } from '../../../../services/engine/state/state-descriptors.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { MIN_WATERMARK } from '../../../../services/engine/time/watermark.ts';
import { OperatorHarness } from '../../../support/operator-harness.ts';

interface Reading {
  device: string;
  value: number;
}

const r = (device: string, value = 0): Reading => ({ device, value });

function harness<OUT>(fn: KeyedProcessFunction<string, Reading, OUT>, clock = new ManualClock(0)) {
  const operator = new KeyedProcessOperator<string, Reading, OUT>({
    name: 'process',
    keySelector: (x) => x.device,
    function: fn,
  });
  return { h: new OperatorHarness(operator, { clock }), operator, clock };
}

/** The example of KeyedProcessFunction's doc comment, as written there. */
class CountUntilSilent implements KeyedProcessFunction<string, Reading, [string, number]> {
  private count!: ValueState<number>;
  private timer!: ValueState<number | undefined>;
  open(ctx: KeyedStateContext) {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
    this.timer = ctx.getState(new ValueStateDescriptor<number | undefined>('timer'));
  }
  processElement(_reading: Reading, ctx: ProcessContext<string>) {
    this.count.update(this.count.value() + 1);
    const previous = this.timer.value();
    if (previous !== undefined) ctx.timerService.deleteEventTimeTimer(previous);
    const silentAt = Math.max(previous ?? 0, ctx.timestamp + 60_000);
    ctx.timerService.registerEventTimeTimer(silentAt);
    this.timer.update(silentAt);
  }
  onTimer(_time: number, ctx: OnTimerContext<string>, out: Collector<[string, number]>) {
    out.collect([ctx.currentKey, this.count.value()]);
    this.count.clear();
    this.timer.clear();
  }
}

describe('KeyedProcessOperator', () => {
  it('runs the doc example: per-key state, event-time timers moved by each element, fired on watermarks', () => {
    const { h, operator } = harness(new CountUntilSilent());
    h.element(r('a'), 1_000).element(r('b'), 1_500).element(r('a'), 2_000);
    expect(operator.pendingTimers.eventTime).toBe(2); // a's first timer was deleted
    h.watermark(61_499);
    expect(h.take()).toEqual([{ watermark: 61_499 }]);
    h.watermark(61_500);
    expect(h.take()).toEqual([{ record: ['b', 1], timestamp: 61_500 }, { watermark: 61_500 }]);
    h.watermark(70_000);
    expect(h.take()).toEqual([{ record: ['a', 2], timestamp: 62_000 }, { watermark: 70_000 }]);
    expect(operator.metrics()).toMatchObject({ recordsIn: 3, recordsOut: 2, stateKeys: 0, stateEntries: 0 });
  });

  it('emits from processElement with the element timestamp and gives the element key and time in ctx', () => {
    const { h } = harness<string>({
      processElement(value, ctx, out) {
        out.collect(`${ctx.currentKey}:${value.value}@${ctx.timestamp}`);
        out.collect('second');
      },
    });
    h.element(r('a', 1), 5).element(r('b', 2), 3);
    expect(h.take()).toEqual([
      { record: 'a:1@5', timestamp: 5 },
      { record: 'second', timestamp: 5 },
      { record: 'b:2@3', timestamp: 3 },
      { record: 'second', timestamp: 3 },
    ]);
  });

  it('deduplicates timers per key and time: one firing per (key, time), whatever the domain', () => {
    const fired: string[] = [];
    const { h, clock, operator } = harness<never>({
      processElement(_v, ctx) {
        const end = Math.floor(ctx.timestamp / 10) * 10 + 9;
        ctx.timerService.registerEventTimeTimer(end);
        ctx.timerService.registerProcessingTimeTimer(100);
      },
      onTimer(time, ctx) {
        fired.push(`${ctx.timeDomain}:${ctx.currentKey}@${time}`);
      },
    });
    h.element(r('a'), 1).element(r('a'), 4).element(r('b'), 2).element(r('a'), 9).element(r('a'), 11);
    expect(operator.pendingTimers).toEqual({ eventTime: 3, processingTime: 2 });
    h.watermark(100);
    clock.advanceTo(100);
    expect(fired).toEqual([
      'event-time:a@9',
      'event-time:b@9',
      'event-time:a@19',
      'processing-time:a@100',
      'processing-time:b@100',
    ]);
    expect(operator.pendingTimers).toEqual({ eventTime: 0, processingTime: 0 });
  });

  it('fires event-time timers on watermarks (in time order, before the watermark), processing-time timers from the clock', () => {
    const { h, clock } = harness<string>({
      processElement(v, ctx) {
        ctx.timerService.registerEventTimeTimer(v.value);
        ctx.timerService.registerProcessingTimeTimer(ctx.timerService.currentProcessingTime() + v.value);
      },
      onTimer(time, ctx, out) {
        out.collect(
          `${ctx.timeDomain} ${ctx.currentKey}@${time} ts=${ctx.timestamp} wm=${ctx.timerService.currentWatermark()}`,
        );
      },
    });
    h.element(r('a', 30), 1).element(r('b', 10), 1).element(r('c', 20), 1);
    h.watermark(25);
    expect(h.take()).toEqual([
      { record: 'event-time b@10 ts=10 wm=25', timestamp: 10 },
      { record: 'event-time c@20 ts=20 wm=25', timestamp: 20 },
      { watermark: 25 },
    ]);
    clock.advance(15);
    expect(h.take()).toEqual([{ record: 'processing-time b@10 ts=10 wm=25', timestamp: 10 }]);
    clock.advance(100);
    expect(h.take()).toEqual([
      { record: 'processing-time c@20 ts=20 wm=25', timestamp: 20 },
      { record: 'processing-time a@30 ts=30 wm=25', timestamp: 30 },
    ]);
    h.watermark(30);
    expect(h.take()).toEqual([{ record: 'event-time a@30 ts=30 wm=30', timestamp: 30 }, { watermark: 30 }]);
  });

  it('fires a timer set behind the watermark on the next watermark, and ignores watermarks that do not advance', () => {
    const { h } = harness<number>({
      processElement(_v, ctx) {
        expect(ctx.timerService.currentWatermark()).toBe(50);
        ctx.timerService.registerEventTimeTimer(10);
      },
      onTimer(time, _ctx, out) {
        out.collect(time);
      },
    });
    h.watermark(50).element(r('a'), 60).watermark(50).watermark(40);
    expect(h.take()).toEqual([{ watermark: 50 }]);
    h.watermark(51);
    expect(h.take()).toEqual([{ record: 10, timestamp: 10 }, { watermark: 51 }]);
  });

  it('deletes timers of the current key only', () => {
    const { h, clock } = harness<string>({
      processElement(v, ctx) {
        if (v.value >= 0) {
          ctx.timerService.registerEventTimeTimer(5);
          ctx.timerService.registerProcessingTimeTimer(5);
        } else {
          ctx.timerService.deleteEventTimeTimer(5);
          ctx.timerService.deleteProcessingTimeTimer(5);
        }
      },
      onTimer(time, ctx, out) {
        out.collect(`${ctx.timeDomain} ${ctx.currentKey}@${time}`);
      },
    });
    h.element(r('a', 1), 0).element(r('b', 1), 0).element(r('a', -1), 0);
    h.watermark(5);
    clock.advance(5);
    expect(h.take().map((e) => ('record' in e ? e.record : e))).toEqual([
      'event-time b@5',
      { watermark: 5 },
      'processing-time b@5',
    ]);
  });

  it('emits to side outputs with the element timestamp, or the timer time in onTimer', () => {
    const odd = new OutputTag<number>('odd');
    const { h } = harness<number>({
      processElement(v, ctx, out) {
        if (v.value % 2 === 1) ctx.output(odd, v.value);
        else out.collect(v.value);
        ctx.timerService.registerEventTimeTimer(100);
      },
      onTimer(_time, ctx) {
        ctx.output(odd, -1);
      },
    });
    h.element(r('a', 1), 7).element(r('a', 2), 8).watermark(100);
    expect(h.take()).toEqual([
      { side: 'odd', record: 1, timestamp: 7 },
      { record: 2, timestamp: 8 },
      { side: 'odd', record: -1, timestamp: 100 },
      { watermark: 100 },
    ]);
  });

  it('reads the state of the timer key in onTimer and counts state keys and entries', () => {
    let last!: ValueState<number | undefined>;
    const { h, operator } = harness<string>({
      open(ctx) {
        last = ctx.getState(new ValueStateDescriptor<number | undefined>('last'));
      },
      processElement(v, ctx) {
        last.update(v.value);
        ctx.timerService.registerEventTimeTimer(10);
      },
      onTimer(_t, ctx, out) {
        out.collect(`${ctx.currentKey}=${last.value()}`);
        last.clear();
      },
    });
    h.element(r('a', 1), 0).element(r('b', 2), 0).element(r('a', 3), 0);
    expect(operator.metrics()).toMatchObject({ stateKeys: 2, stateEntries: 2 });
    h.watermark(10);
    expect(h.take().slice(0, 2)).toEqual([
      { record: 'a=3', timestamp: 10 },
      { record: 'b=2', timestamp: 10 },
    ]);
    expect(operator.metrics()).toMatchObject({ stateKeys: 0, stateEntries: 0, watermark: 10 });
  });

  it('calls open and close, and stops processing-time timers on close', async () => {
    const calls: string[] = [];
    const { h, clock, operator } = harness<string>({
      open: () => void calls.push('open'),
      processElement(_v, ctx) {
        ctx.timerService.registerProcessingTimeTimer(10);
      },
      onTimer: () => void calls.push('timer'),
      close: () => void calls.push('close'),
    });
    h.element(r('a'), 0);
    expect(operator.metrics().watermark).toBe(MIN_WATERMARK);
    await operator.close();
    clock.advance(100);
    expect(calls).toEqual(['open', 'close']);
  });

  it('makes a fresh function per operator when given a factory', () => {
    let made = 0;
    const factory = () => {
      made++;
      return { processElement() {} };
    };
    new KeyedProcessOperator({ name: 'p', keySelector: (x: Reading) => x.device, function: factory });
    new KeyedProcessOperator({ name: 'p', keySelector: (x: Reading) => x.device, function: factory });
    expect(made).toBe(2);
  });

  it('rejects timers without a finite time with a message that says what to do', () => {
    const { h } = harness<never>({
      processElement(_v, ctx) {
        ctx.timerService.registerEventTimeTimer(ctx.timestamp + 1);
      },
    });
    expect(() => h.element(r('a'), Number.NaN)).toThrow(/finite time.*WatermarkStrategy/);
  });
});
