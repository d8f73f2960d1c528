import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AggregateFunction } from '../../../../services/engine/api/functions.ts';
import { OutputTag } from '../../../../services/engine/api/output-tag.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { EventTimeSessionWindows } from '../../../../services/engine/windows/assigners/event-time-session-windows.ts';
import { SlidingEventTimeWindows } from '../../../../services/engine/windows/assigners/sliding-event-time-windows.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import type { WindowAssigner } from '../../../../services/engine/windows/assigners/window-assigner.ts';
import { createWindowOperator } from '../../../../services/engine/windows/create-window-operator.ts';
import { OperatorHarness, restoredOperator, throughCodec } from '../../../support/operator-harness.ts';
import {
  type Cut,
  recordMultiset,
  type Step,
  type Subject,
  uninterrupted,
  withCuts,
} from './checkpoint-kit.ts';
import { describeWindow, type Ev, sum } from './window-test-kit.ts';

const late = new OutputTag<Ev>('late');

const assigners: [string, () => WindowAssigner<Ev>][] = [
  ['tumbling', () => TumblingEventTimeWindows.of<Ev>(10)],
  ['sliding', () => SlidingEventTimeWindows.of<Ev>(10, 5)],
  ['sessions', () => EventTimeSessionWindows.withGap<Ev>(4)],
];

function subject(assigner: () => WindowAssigner<Ev>, allowedLatenessMs: number): Subject<Ev> {
  return {
    key: (e) => e.key,
    make: () => {
      const windows = assigner();
      return createWindowOperator<Ev, string, unknown, number, string>({
        name: 'window',
        keySelector: (e) => e.key,
        assigner: windows,
        trigger: windows.defaultTrigger(),
        aggregate: sum as AggregateFunction<Ev, unknown, number>,
        resultFunction: describeWindow,
        allowedLatenessMs,
        lateDataTag: late,
      });
    },
  };
}

/** Records of a few keys around a moving event time (some late), and watermarks that trail it. */
const script = fc
  .array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
          value: fc.integer({ min: 1, max: 9 }),
          lag: fc.integer({ min: 0, max: 12 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ advance: fc.integer({ min: 0, max: 6 }) }) },
    ),
    { minLength: 1, maxLength: 40 },
  )
  .map((items) => {
    const steps: Step<Ev>[] = [];
    let time = 0;
    let watermark = -1;
    for (const item of items) {
      if ('advance' in item) {
        time += item.advance;
        watermark = Math.max(watermark, time - 3);
        steps.push({ wm: watermark });
      } else {
        time += 1;
        steps.push({ el: { key: item.key, value: item.value }, ts: Math.max(0, time - item.lag) });
      }
    }
    steps.push({ wm: time + 100 });
    return steps;
  });

describe('window snapshot and restore (property)', () => {
  for (const [name, assigner] of assigners) {
    it(`${name}: a cut anywhere, restored at parallelism 1 to 3 and back, gives the same results as no cut`, () => {
      fc.assert(
        fc.property(
          script,
          fc.nat(),
          fc.nat(),
          fc.integer({ min: 1, max: 3 }),
          fc.constantFrom(0, 3),
          fc.boolean(),
          (steps, first, second, parallelism, lateness, codec) => {
            const s = subject(assigner, lateness);
            const at = first % (steps.length + 1);
            const back = at + (second % (steps.length - at + 1));
            const cuts: Cut[] = [
              { at, parallelism },
              { at: back, parallelism: 1 },
            ];
            const { output } = withCuts(s, steps, cuts, { codec });
            expect(recordMultiset(output)).toEqual(recordMultiset(uninterrupted(s, steps)));
          },
        ),
        { numRuns: 150, seed: 4 },
      );
    });
  }
});

/** Feeds `steps` to `h` (records and watermarks; these scripts move no processing time). */
function run(h: OperatorHarness<Ev, unknown>, steps: readonly Step<Ev>[]): void {
  for (const step of steps) {
    if ('el' in step) h.element(step.el, step.ts);
    else if ('wm' in step) h.watermark(step.wm);
  }
}

describe('copy-on-write window snapshots (property)', () => {
  for (const [name, assigner] of assigners) {
    it(`${name}: a snapshot resolved after the operator ran on restores to what it did next`, () => {
      fc.assert(
        fc.property(script, fc.nat(), fc.constantFrom(0, 3), (steps, cut, lateness) => {
          const s = subject(assigner, lateness);
          const at = cut % (steps.length + 1);
          const original = new OperatorHarness(s.make() as never, { clock: new ManualClock(0), uid: 'op' });
          run(original, steps.slice(0, at));
          const deferred = original.deferredSnapshot(1);
          original.take();
          run(original, steps.slice(at)); // writes, fires and purges windows while the snapshot waits
          const restored = new OperatorHarness(s.make() as never, { clock: new ManualClock(0), uid: 'op' });
          restored.restore(restoredOperator([throughCodec(deferred)]));
          run(restored, steps.slice(at));
          expect(recordMultiset(restored.take())).toEqual(recordMultiset(original.take()));
        }),
        { numRuns: 150, seed: 5 },
      );
    });
  }
});
