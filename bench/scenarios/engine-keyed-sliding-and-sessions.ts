import { EventTimeSessionWindows } from '../../services/engine/windows/assigners/event-time-session-windows.ts';
import { SlidingEventTimeWindows } from '../../services/engine/windows/assigners/sliding-event-time-windows.ts';
import { handWrittenSessions } from '../baselines/hand-written-sessions.ts';
import { handWrittenSliding } from '../baselines/hand-written-sliding.ts';
import { burstyReadings } from '../data/bursty-readings.ts';
import { type BenchReading, syntheticReadings } from '../data/synthetic-readings.ts';
import type { Scenario } from '../scenario.ts';
import { COMPARE_NODE_FLAGS, compareWithBaseline } from '../support/compare-with-baseline.ts';
import { runEngineWindowJob } from '../support/engine-window-job.ts';

const BOUND_MS = 2_000;

/** Keyed sliding windows (60 s every 10 s: each record in 6 windows), beside a hand-written pane loop. */
export function engineKeyedSliding(keys: number, events: number): Scenario {
  const SIZE = 60_000;
  const SLIDE = 10_000;
  return {
    name: `engine-keyed-sliding-60s-10s-${keys >= 1000 ? `${keys / 1000}k` : keys}-keys`,
    nodeFlags: COMPARE_NODE_FLAGS,
    description: `${keys} keys, 60 s windows sliding by 10 s, ${events / 1e6}M in-memory events with up to 2 s disorder`,
    async run() {
      const readings = syntheticReadings({ count: events, keys, maxDisorderMs: BOUND_MS });
      const onEngine = (r: readonly BenchReading[]) =>
        runEngineWindowJob(r, SlidingEventTimeWindows.of<BenchReading>(SIZE, SLIDE), BOUND_MS);
      return compareWithBaseline(
        readings,
        onEngine,
        (r) => handWrittenSliding(r, SIZE, SLIDE, BOUND_MS),
        300_000,
      );
    },
  };
}

/** Keyed session windows (30 s gap) over bursty devices (60 s on, 60 s off), beside a hand-written loop. */
export function engineKeyedSessions(keys: number, events: number): Scenario {
  const GAP = 30_000;
  return {
    name: `engine-keyed-sessions-30s-${keys >= 1000 ? `${keys / 1000}k` : keys}-keys`,
    nodeFlags: COMPARE_NODE_FLAGS,
    description: `${keys} keys, 30 s session gap, bursts of 60 s every 2 min, ${events / 1e6}M in-memory events with up to 2 s disorder`,
    async run() {
      const readings = burstyReadings({ count: events, keys, maxDisorderMs: BOUND_MS });
      const onEngine = (r: readonly BenchReading[]) =>
        runEngineWindowJob(r, EventTimeSessionWindows.withGap<BenchReading>(GAP), BOUND_MS);
      return compareWithBaseline(readings, onEngine, (r) => handWrittenSessions(r, GAP, BOUND_MS), 300_000);
    },
  };
}
