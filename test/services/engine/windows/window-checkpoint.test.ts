import { describe, expect, it } from 'vitest';
import type { AggregateFunction } from '../../../../services/engine/api/functions.ts';
import { OutputTag } from '../../../../services/engine/api/output-tag.ts';
import { IncompatibleStateError } from '../../../../services/engine/checkpoint/checkpoint-errors.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { EventTimeSessionWindows } from '../../../../services/engine/windows/assigners/event-time-session-windows.ts';
import { GlobalWindows } from '../../../../services/engine/windows/assigners/global-windows.ts';
import { SlidingEventTimeWindows } from '../../../../services/engine/windows/assigners/sliding-event-time-windows.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { TumblingProcessingTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-processing-time-windows.ts';
import { createWindowOperator } from '../../../../services/engine/windows/create-window-operator.ts';
import { CountEvictor } from '../../../../services/engine/windows/evictors/count-evictor.ts';
import { ContinuousEventTimeTrigger } from '../../../../services/engine/windows/triggers/continuous-event-time-trigger.ts';
import { CountTrigger } from '../../../../services/engine/windows/triggers/count-trigger.ts';
import { PurgingTrigger } from '../../../../services/engine/windows/triggers/purging-trigger.ts';
import type { WindowOperatorBase } from '../../../../services/engine/windows/window-operator-base.ts';
import { OperatorHarness, restoredOperator, throughCodec } from '../../../support/operator-harness.ts';
import { expectSameAsUninterrupted, type Step, type Subject } from './checkpoint-kit.ts';
import { describeWindow, type Ev, ev, sum, type WindowHarnessOptions } from './window-test-kit.ts';

const late = new OutputTag<Ev>('late');

function windows(options: Omit<WindowHarnessOptions, 'clock'>): Subject<Ev> {
  return {
    key: (e) => e.key,
    make: () =>
      createWindowOperator<Ev, string, unknown, number, string>({
        name: 'window',
        keySelector: (e) => e.key,
        assigner: options.assigner,
        trigger: options.trigger ?? options.assigner.defaultTrigger(),
        evictor: options.evictor,
        aggregate: options.aggregate ?? (sum as AggregateFunction<Ev, unknown, number>),
        resultFunction: options.result ?? describeWindow,
        allowedLatenessMs: options.allowedLatenessMs ?? 0,
        lateDataTag: options.lateDataTag,
      }),
  };
}

const el = (key: string, value: number, ts: number): Step<Ev> => ({ el: ev(key, value), ts });
const wm = (watermark: number): Step<Ev> => ({ wm: watermark });
const tick = (ms: number): Step<Ev> => ({ tick: ms });

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f'];

describe('window operator snapshot and restore', () => {
  it('tumbling event-time windows with allowed lateness: re-firing and late side output across the cut', () => {
    const steps = [
      el('a', 1, 2),
      el('b', 10, 3),
      el('c', 5, 12),
      wm(9),
      el('a', 2, 4), // late, within lateness: re-fires
      el('d', 7, 15),
      wm(13),
      el('b', 20, 9), // still within: 9 + 5 > 13
      wm(14), // cleanup of [0, 10)
      el('a', 8, 5), // too late: side output
      el('e', 16, 14),
      wm(19),
      el('f', 3, 27),
      wm(40),
    ];
    expectSameAsUninterrupted(
      windows({ assigner: TumblingEventTimeWindows.of<Ev>(10), allowedLatenessMs: 5, lateDataTag: late }),
      steps,
    );
  });

  it('sliding windows with a continuous trigger (trigger state and early timers)', () => {
    const steps: Step<Ev>[] = [];
    for (let i = 0; i < 12; i++) {
      steps.push(el(KEYS[i % KEYS.length]!, i, i * 4));
      if (i % 3 === 2) steps.push(wm(i * 4 - 3));
    }
    steps.push(wm(100));
    expectSameAsUninterrupted(
      windows({
        assigner: SlidingEventTimeWindows.of<Ev>(20, 10),
        trigger: ContinuousEventTimeTrigger.of<Ev>(5),
      }),
      steps,
    );
  });

  it('count windows (GlobalWindows + purging CountTrigger): the count survives the cut', () => {
    const steps: Step<Ev>[] = [];
    for (let i = 0; i < 20; i++) steps.push(el(KEYS[i % 3]!, i + 1, i));
    expectSameAsUninterrupted(
      windows({ assigner: GlobalWindows.create<Ev>(), trigger: PurgingTrigger.of(CountTrigger.of<Ev>(4)) }),
      steps,
    );
  });

  it('session windows merge across the cut, a late record bridging two sessions', () => {
    const steps = [
      el('a', 1, 0),
      el('b', 2, 1),
      el('a', 3, 20), // a second session of a
      el('b', 4, 8), // b's session grows
      wm(5),
      el('a', 5, 10), // bridges a's two sessions into one [0, 30)
      el('c', 6, 40),
      wm(25),
      el('c', 7, 45),
      wm(29),
      wm(60),
    ];
    expectSameAsUninterrupted(windows({ assigner: EventTimeSessionWindows.withGap<Ev>(10) }), steps);
    expectSameAsUninterrupted(
      windows({
        assigner: EventTimeSessionWindows.withGap<Ev>(10),
        trigger: ContinuousEventTimeTrigger.of<Ev>(4),
      }),
      steps,
    );
  });

  it('processing-time windows: timers restored fire on the next clock tick', () => {
    const steps = [
      el('a', 1, 0),
      el('b', 2, 0),
      tick(4),
      el('a', 3, 0),
      tick(5), // [0, 10) of a and b fire at 9
      el('c', 4, 0),
      tick(3),
      el('a', 5, 0),
      tick(20),
    ];
    expectSameAsUninterrupted(windows({ assigner: TumblingProcessingTimeWindows.of<Ev>(10) }), steps);
  });

  it('a restored processing-time timer already due fires on the next clock tick, even a tick of 0', () => {
    const subject = windows({ assigner: TumblingProcessingTimeWindows.of<Ev>(10) });
    const before = new OperatorHarness(subject.make(), { clock: new ManualClock(5), uid: 'op' });
    before.element(ev('a', 1), 0);
    const snapshot = throughCodec(before.snapshot());
    const clock = new ManualClock(30); // restarted later: the window's timer (9) is overdue
    const after = new OperatorHarness(subject.make(), { clock, uid: 'op' }).restore(
      restoredOperator([snapshot]),
    );
    expect(after.take()).toEqual([]);
    clock.advance(0);
    expect(after.take()).toEqual([{ record: 'a[0, 10)=1', timestamp: 9 }]);
    expect((after.operator as WindowOperatorBase<Ev, string, unknown, number, string>).pendingTimers).toEqual(
      {
        eventTime: 0,
        processingTime: 0,
      },
    );
  });

  it('evicting windows keep their records (CountEvictor) across the cut', () => {
    const steps: Step<Ev>[] = [];
    for (let i = 0; i < 16; i++) {
      steps.push(el(KEYS[i % 2]!, i + 1, i * 3));
      if (i % 4 === 3) steps.push(wm(i * 3));
    }
    steps.push(wm(100));
    expectSameAsUninterrupted(
      windows({ assigner: SlidingEventTimeWindows.of<Ev>(12, 6), evictor: CountEvictor.of<Ev>(2) }),
      steps,
    );
  });

  it('keeps the count of dropped late records, summed into subtask 0 on rescaling', () => {
    const subject = windows({ assigner: TumblingEventTimeWindows.of<Ev>(10) });
    const steps = [el('a', 1, 2), wm(20), el('a', 1, 3), el('b', 1, 4), el('c', 1, 25), el('d', 1, 5)];
    const h = new OperatorHarness(subject.make(), { uid: 'op' });
    for (const step of steps.slice(0, 4)) {
      if ('el' in step) h.element(step.el, step.ts);
      else if ('wm' in step) h.watermark(step.wm);
    }
    expect(h.operator.metrics().lateRecordsDropped).toBe(2);
    const snapshot = h.snapshot();
    const restored = [0, 1, 2].map((index) =>
      new OperatorHarness(subject.make(), { uid: 'op', subtask: { index, parallelism: 3 } }).restore(
        restoredOperator([snapshot]),
      ),
    );
    expect(restored.map((r) => r.operator.metrics().lateRecordsDropped)).toEqual([2, 0, 0]);
    restored[1]!.element(ev('d'), 5); // judged against the restored watermark 20: late
    expect(restored[1]!.operator.metrics().lateRecordsDropped).toBe(1);
  });

  it('snapshots are plain data that later records do not change', () => {
    const subject = windows({ assigner: TumblingEventTimeWindows.of<Ev>(10) });
    const h = new OperatorHarness(subject.make(), { uid: 'op' });
    h.element(ev('a', 1), 1);
    const snapshot = h.snapshot();
    const before = structuredClone(snapshot);
    h.element(ev('a', 5), 2).watermark(30);
    expect(snapshot).toEqual(before);
    expect(snapshot).toMatchObject({ uid: 'op', kind: 'window', keys: 1 });
  });

  it('refuses state of another window size or aggregate, naming the operator and the difference', () => {
    const saved = new OperatorHarness(windows({ assigner: TumblingEventTimeWindows.of<Ev>(10) }).make(), {
      uid: 'window-1',
    });
    saved.element(ev('a', 1), 1);
    const restored = restoredOperator([saved.snapshot()]);
    const other = new OperatorHarness(windows({ assigner: TumblingEventTimeWindows.of<Ev>(20) }).make(), {
      uid: 'window-1',
    });
    expect(() => other.restore(restored)).toThrow(IncompatibleStateError);
    expect(() => other.restore(restored)).toThrow(
      /operator "window-1".*assigner\.name: saved "TumblingEventTimeWindows\(10, 0\)", now "TumblingEventTimeWindows\(20, 0\)"/,
    );
    const count: AggregateFunction<Ev, { n: number }, number> & { description: string } = {
      description: 'count',
      createAccumulator: () => ({ n: 0 }),
      add: (_e, acc) => ({ n: acc.n + 1 }),
      getResult: (acc) => acc.n,
      merge: (a, b) => ({ n: a.n + b.n }),
    };
    const otherAggregate = windows({
      assigner: TumblingEventTimeWindows.of<Ev>(10),
      aggregate: count as AggregateFunction<Ev, unknown, number>,
    }).make() as WindowOperatorBase<Ev, string, unknown, number, string>;
    const h = new OperatorHarness(otherAggregate, { uid: 'window-1' });
    expect(() => h.restore(restored)).toThrow(/operator "window-1".*aggregate: saved "custom", now "count"/);
    const lateness = new OperatorHarness(
      windows({ assigner: TumblingEventTimeWindows.of<Ev>(10), allowedLatenessMs: 5 }).make(),
      { uid: 'window-1' },
    );
    expect(() => lateness.restore(restored)).toThrow(/allowedLatenessMs: saved 0, now 5/);
  });
});
