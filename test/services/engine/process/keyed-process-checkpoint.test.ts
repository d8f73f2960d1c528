import { describe, expect, it } from 'vitest';
import { IncompatibleStateError } from '../../../../services/engine/checkpoint/checkpoint-errors.ts';
import type {
  Collector,
  KeyedProcessFunction,
  OnTimerContext,
  ProcessContext,
} from '../../../../services/engine/process/keyed-process-function.ts';
import { KeyedProcessOperator } from '../../../../services/engine/process/keyed-process-operator.ts';
import type {
  AggregatingState,
  KeyedStateContext,
  ListState,
  MapState,
  ReducingState,
  ValueState,
} from '../../../../services/engine/state/keyed-state.ts';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../../services/engine/state/state-descriptors.ts';
import { StateTtlConfig } from '../../../../services/engine/state/state-ttl-config.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { OperatorHarness, restoredOperator, throughCodec } from '../../../support/operator-harness.ts';
import { expectSameAsUninterrupted, type Step, type Subject } from '../windows/checkpoint-kit.ts';

interface Reading {
  device: string;
  value: number;
}

/** Uses every kind of keyed state, a TTL, and timers of both domains; reports all of it on each timer. */
class EveryState implements KeyedProcessFunction<string, Reading, string> {
  private stats!: ValueState<{ n: number; last: number }>;
  private recent!: ListState<number>;
  private byParity!: MapState<string, number>;
  private max!: ReducingState<number>;
  private mean!: AggregatingState<number, number>;
  private seen!: ValueState<number | undefined>;

  constructor(private readonly ttlKind: 'ttl' | 'none' = 'ttl') {}

  open(ctx: KeyedStateContext) {
    this.stats = ctx.getState(new ValueStateDescriptor('stats', { n: 0, last: 0 }));
    this.recent = ctx.getListState(new ListStateDescriptor<number>('recent'));
    this.byParity = ctx.getMapState(new MapStateDescriptor<string, number>('by-parity'));
    this.max = ctx.getReducingState(new ReducingStateDescriptor<number>('max', Math.max));
    this.mean = ctx.getAggregatingState(
      new AggregatingStateDescriptor('mean', {
        createAccumulator: () => ({ sum: 0, n: 0 }),
        add: (v: number, acc: { sum: number; n: number }) => {
          acc.sum += v; // changed in place: a snapshot must hold a copy
          acc.n++;
          return acc;
        },
        getResult: (acc) => acc.sum / acc.n,
        merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
      }),
    );
    const seen = new ValueStateDescriptor<number | undefined>('seen');
    if (this.ttlKind === 'ttl')
      seen.enableTimeToLive(StateTtlConfig.of(10, { updateType: 'on-read-and-write' }));
    this.seen = ctx.getState(seen);
  }

  processElement(reading: Reading, ctx: ProcessContext<string>, out: Collector<string>) {
    const stats = this.stats.value();
    stats.n++; // changed in place, then written back
    stats.last = reading.value;
    this.stats.update(stats);
    this.recent.add(reading.value);
    if (this.recent.get().length > 3) this.recent.update(this.recent.get().slice(-3));
    const parity = reading.value % 2 === 0 ? 'even' : 'odd';
    this.byParity.put(parity, (this.byParity.get(parity) ?? 0) + 1);
    this.max.add(reading.value);
    this.mean.add(reading.value);
    const before = this.seen.value(); // undefined once 10 ms of processing time passed without a read
    this.seen.update(reading.value);
    out.collect(`${ctx.currentKey} seen-before=${before}`);
    ctx.timerService.registerEventTimeTimer(ctx.timestamp + 5);
    ctx.timerService.registerProcessingTimeTimer(ctx.timerService.currentProcessingTime() + 7);
  }

  onTimer(time: number, ctx: OnTimerContext<string>, out: Collector<string>) {
    const report = {
      key: ctx.currentKey,
      time,
      domain: ctx.timeDomain,
      stats: this.stats.value(),
      recent: this.recent.get(),
      byParity: this.byParity.entries(),
      max: this.max.get(),
      mean: this.mean.get(),
    };
    out.collect(JSON.stringify(report));
  }
}

const subject = (ttl: 'ttl' | 'none' = 'ttl'): Subject<Reading> => ({
  key: (r) => r.device,
  make: () =>
    new KeyedProcessOperator<string, Reading, string>({
      name: 'process',
      keySelector: (r) => r.device,
      function: () => new EveryState(ttl),
    }),
});

const el = (device: string, value: number, ts: number): Step<Reading> => ({ el: { device, value }, ts });

describe('KeyedProcessOperator snapshot and restore', () => {
  it('restores every kind of keyed state, TTL timestamps and timers of both domains, at any cut and parallelism', () => {
    const steps: Step<Reading>[] = [
      el('a', 1, 0),
      el('b', 2, 1),
      { tick: 3 },
      el('a', 4, 2),
      { wm: 4 },
      el('c', 5, 10),
      { tick: 5 }, // a's and b's processing-time timers (7) fire
      el('b', 7, 11),
      { wm: 12 },
      { tick: 12 }, // b's TTL'd value expires (last touched at 8)
      el('b', 8, 20),
      el('a', 9, 21),
      { tick: 2 },
      el('c', 10, 22),
      { wm: 30 },
      { tick: 20 },
    ];
    expectSameAsUninterrupted(subject(), steps);
  });

  it('keeps TTL timestamps: a value expires at the same processing time after a restore', () => {
    const before = new OperatorHarness(subject().make(), { clock: new ManualClock(0), uid: 'p' });
    before.element({ device: 'a', value: 1 }, 0);
    const snapshot = throughCodec(before.snapshot());
    const clock = new ManualClock(10); // written at 0 with a TTL of 10: expired now
    const after = new OperatorHarness(subject().make(), { clock, uid: 'p' }).restore(
      restoredOperator([snapshot]),
    );
    after.take();
    after.element({ device: 'a', value: 2 }, 1);
    expect(after.take()[0]).toEqual({ record: 'a seen-before=undefined', timestamp: 1 });
    const fresh = new OperatorHarness(subject().make(), { clock: new ManualClock(9), uid: 'p' }).restore(
      restoredOperator([snapshot]),
    );
    fresh.element({ device: 'a', value: 2 }, 1);
    expect(fresh.take()[0]).toEqual({ record: 'a seen-before=1', timestamp: 1 });
  });

  it('refuses state whose kinds or TTL changed, naming the operator', () => {
    const before = new OperatorHarness(subject().make(), { uid: 'process-1' });
    before.element({ device: 'a', value: 1 }, 0);
    const restored = restoredOperator([before.snapshot()]);
    const other = new OperatorHarness(subject('none').make(), { uid: 'process-1' });
    expect(() => other.restore(restored)).toThrow(IncompatibleStateError);
    expect(() => other.restore(restored)).toThrow(
      /operator "process-1".*states\[4\]\.ttl: saved true, now false/,
    );
  });
});
