import { describe, expect, it } from 'vitest';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { EventTimeTrigger } from '../../../../services/engine/windows/triggers/event-time-trigger.ts';
import { PurgingTrigger } from '../../../../services/engine/windows/triggers/purging-trigger.ts';
import { TriggerResult } from '../../../../services/engine/windows/triggers/trigger.ts';
import { FIRING_SLICE } from '../../../../services/engine/windows/window-operator-base.ts';
import { restoredOperator, throughCodec } from '../../../support/operator-harness.ts';
import { compact, ev, windowHarness } from './window-test-kit.ts';

const KEYS = Array.from({ length: 2 * FIRING_SLICE.perWatermark + 500 }, (_, i) => `k${i}`);

/** Every key in the 10 ms windows [0, 10) and [10, 20). */
function feed(h: ReturnType<typeof windowHarness>['h']) {
  for (const key of KEYS) h.element(ev(key, 1), 1).element(ev(key, 2), 12);
}

const sliced = () => windowHarness({ assigner: TumblingEventTimeWindows.of(10) });
/** The same windows fired all at once: a trigger other than `EventTimeTrigger` is not sliced. */
const atOnce = () =>
  windowHarness({
    assigner: TumblingEventTimeWindows.of(10),
    trigger: PurgingTrigger.of(EventTimeTrigger.create()),
  });

describe('window firing in slices', () => {
  it('fires a watermark’s many windows over records and clock turns, in the order and with the results of firing at once', () => {
    const whole = atOnce();
    feed(whole.h);
    const expected = compact(whole.h.watermark(9).take());
    expect(expected).toHaveLength(KEYS.length + 1);
    expect(expected.at(-1)).toBe('wm:9');

    const { h, operator, clock } = sliced();
    feed(h);
    const first = compact(h.watermark(9).take());
    expect(first).toEqual(expected.slice(0, FIRING_SLICE.perWatermark)); // no watermark yet
    // a record for a window waiting to fire is late, as it would be had the window fired
    h.element(ev('k2400', 100), 5);
    const afterRecord = compact(h.take());
    expect(afterRecord).toEqual(
      expected.slice(FIRING_SLICE.perWatermark, FIRING_SLICE.perWatermark + FIRING_SLICE.perRecord),
    );
    expect(operator.metrics().lateRecordsDropped).toBe(1);
    clock.advance(0); // the clock turns fire the rest, then the watermark goes on
    expect([...first, ...afterRecord, ...compact(h.take())]).toEqual(expected);
  });

  it('finishes firing before a checkpoint captures the state; the restored operator goes on as the original', () => {
    const run = sliced();
    const { h } = run;
    feed(h);
    h.watermark(9);
    const snapshot = throughCodec(h.snapshot());
    const beforeBarrier = compact(h.take());
    expect(beforeBarrier).toHaveLength(KEYS.length + 1);
    expect(beforeBarrier.at(-1)).toBe('wm:9');

    const restored = sliced();
    restored.h.restore(restoredOperator([snapshot]));
    const after = [run, restored].map(({ h: each, clock }) => {
      each.element(ev('k1', 5), 25).watermark(19);
      const firstSlice = compact(each.take());
      expect(firstSlice).toHaveLength(FIRING_SLICE.perWatermark);
      clock.advance(0);
      const out = [...firstSlice, ...compact(each.take())];
      // a restore lists timers by key group, so the same windows fire in another order (as at once)
      return [...out.slice(0, -1)].sort().concat(out.slice(-1));
    });
    const [original, fromCheckpoint] = after;
    expect(fromCheckpoint).toEqual(original);
    expect(original).toHaveLength(KEYS.length + 1);
    expect(original).toContain('k1[10, 20)=2@19');
    expect(original?.at(-1)).toBe('wm:19');
  });

  it('fires everything at once at the end of input', () => {
    const { h } = sliced();
    feed(h);
    const out = compact(h.watermark(Number.MAX_SAFE_INTEGER).take());
    expect(out).toHaveLength(2 * KEYS.length + 1);
  });

  it('asks a subclass of EventTimeTrigger on every record, and fires its windows at once', () => {
    // the default trigger is not asked per record (it would only register the window's cleanup
    // timer again); a subclass may do anything, so it gets the general path
    const elements: number[] = [];
    class EarlyTrigger extends EventTimeTrigger<unknown> {
      override onElement(...args: Parameters<EventTimeTrigger<unknown>['onElement']>) {
        elements.push(args[1]);
        return args[1] === 3 ? TriggerResult.FIRE : super.onElement(...args);
      }
    }
    const { h } = windowHarness({ assigner: TumblingEventTimeWindows.of(10), trigger: new EarlyTrigger() });
    h.element(ev('a', 1), 1).element(ev('a', 2), 3).element(ev('a', 4), 5);
    expect(elements).toEqual([1, 3, 5]);
    expect(compact(h.take())).toEqual(['a[0, 10)=3@9']);
    feed(h);
    expect(compact(h.watermark(9).take())).toHaveLength(KEYS.length + 2);
  });
});
