import { describe, expect, it } from 'vitest';
import { EventTimeSessionWindows } from '../../../../services/engine/windows/assigners/event-time-session-windows.ts';
import { SlidingEventTimeWindows } from '../../../../services/engine/windows/assigners/sliding-event-time-windows.ts';
import { TumblingEventTimeWindows } from '../../../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import type { WindowAssigner } from '../../../../services/engine/windows/assigners/window-assigner.ts';
import { type Ev, ev, windowHarness } from './window-test-kit.ts';

/**
 * Window state needs no TTL: a window's cleanup timer (its end + allowed lateness) drops it, and a
 * key without windows holds nothing. With keys that rotate (a new key a second, each sending for
 * 10 s), the keys and timers held stay at what the open windows need.
 */
const ASSIGNERS: readonly [string, WindowAssigner<Ev>][] = [
  ['tumbling 10s', TumblingEventTimeWindows.of(10_000)],
  ['sliding 30s/10s', SlidingEventTimeWindows.of(30_000, 10_000)],
  ['session 5s', EventTimeSessionWindows.withGap(5_000)],
];

describe.each(ASSIGNERS)('%s windows with rotating keys', (_, assigner) => {
  it('hold only the keys of open windows (allowed lateness 1 min)', () => {
    const { h, operator } = windowHarness({ assigner, allowedLatenessMs: 60_000 });
    let most = 0;
    for (let s = 0; s < 20_000; s++) {
      const ts = s * 1_000;
      for (let k = Math.max(0, s - 9); k <= s; k++) h.element(ev(`device-${k}`), ts);
      h.watermark(ts - 1);
      h.take();
      most = Math.max(most, operator.metrics().stateKeys ?? 0);
    }
    // keys of the last 10 s + the longest window + allowed lateness
    expect(most).toBeLessThanOrEqual(10 + 30 + 60 + 10);
  });
});
