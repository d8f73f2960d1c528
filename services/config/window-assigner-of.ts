import type { Reading } from '../domain/reading.ts';
import { EventTimeSessionWindows } from '../engine/windows/assigners/event-time-session-windows.ts';
import { SlidingEventTimeWindows } from '../engine/windows/assigners/sliding-event-time-windows.ts';
import { TumblingEventTimeWindows } from '../engine/windows/assigners/tumbling-event-time-windows.ts';
import type { WindowAssigner } from '../engine/windows/assigners/window-assigner.ts';
import type { WindowSpec } from './job-spec.ts';

/**
 * The engine's window assigner for a job file's window; throws the engine's own message when the
 * shape is one it refuses (e.g. an offset not smaller than the size).
 *
 * @example
 * windowAssigner({ type: 'sliding', sizeMs: 60_000, slideMs: 10_000, offsetMs: 0, ... }).label; // '1m/10s'
 */
export function windowAssigner(spec: WindowSpec): WindowAssigner<Reading> {
  switch (spec.type) {
    case 'tumbling':
      return TumblingEventTimeWindows.of<Reading>(spec.sizeMs, spec.offsetMs);
    case 'sliding':
      return SlidingEventTimeWindows.of<Reading>(spec.sizeMs, spec.slideMs, spec.offsetMs);
    case 'session':
      return EventTimeSessionWindows.withGap<Reading>(spec.gapMs);
  }
}
