import { TumblingEventTimeWindows } from '../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { handWrittenTumbling } from '../baselines/hand-written-tumbling.ts';
import { type BenchReading, syntheticReadings } from '../data/synthetic-readings.ts';
import type { Scenario } from '../scenario.ts';
import { COMPARE_NODE_FLAGS, compareWithBaseline } from '../support/compare-with-baseline.ts';
import { runEngineWindowJob } from '../support/engine-window-job.ts';

const WINDOW_MS = 10_000;
const BOUND_MS = 2_000;

/** Runs the public-API job over `readings`; returns the number of window results. */
export function runEngineTumbling(readings: readonly BenchReading[]): Promise<number> {
  return runEngineWindowJob(readings, TumblingEventTimeWindows.of<BenchReading>(WINDOW_MS), BOUND_MS);
}

/** Keyed tumbling aggregation through the public API, beside the hand-written loop (best of 3 each). */
export function engineKeyedTumbling(keys: number, events: number): Scenario {
  return {
    name: `engine-keyed-tumbling-${keys >= 1000 ? `${keys / 1000}k` : keys}-keys`,
    nodeFlags: COMPARE_NODE_FLAGS,
    description: `${keys} keys, 10 s tumbling windows, ${events / 1e6}M in-memory events with up to 2 s disorder`,
    async run() {
      const readings = syntheticReadings({ count: events, keys, maxDisorderMs: BOUND_MS });
      return compareWithBaseline(readings, runEngineTumbling, (r) =>
        handWrittenTumbling(r, WINDOW_MS, BOUND_MS),
      );
    },
  };
}
