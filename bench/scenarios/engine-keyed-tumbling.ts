import { TumblingEventTimeWindows } from '../../services/engine/windows/assigners/tumbling-event-time-windows.ts';
import { handWrittenTumbling } from '../baselines/hand-written-tumbling.ts';
import { type BenchReading, syntheticReadings } from '../data/synthetic-readings.ts';
import { type Scenario, timed } from '../scenario.ts';
import { runEngineWindowJob } from '../support/engine-window-job.ts';

const WINDOW_MS = 10_000;
const BOUND_MS = 2_000;

/** Runs the public-API job over `readings`; returns the number of window results. */
export function runEngineTumbling(readings: readonly BenchReading[]): Promise<number> {
  return runEngineWindowJob(readings, TumblingEventTimeWindows.of<BenchReading>(WINDOW_MS), BOUND_MS);
}

/** Keyed tumbling aggregation through the public API, beside the hand-written loop. */
export function engineKeyedTumbling(keys: number, events: number): Scenario {
  return {
    name: `engine-keyed-tumbling-${keys >= 1000 ? `${keys / 1000}k` : keys}-keys`,
    description: `${keys} keys, 10 s tumbling windows, ${events / 1e6}M in-memory events with up to 2 s disorder`,
    async run() {
      const readings = syntheticReadings({ count: events, keys, maxDisorderMs: BOUND_MS });
      // Warm both paths up so the JIT has compiled them before measuring.
      const warm = readings.slice(0, Math.min(500_000, events));
      await runEngineTumbling(warm);
      handWrittenTumbling(warm, WINDOW_MS, BOUND_MS);

      const baseline = await timed(() => handWrittenTumbling(readings, WINDOW_MS, BOUND_MS));
      const engine = await timed(() => runEngineTumbling(readings));
      if (engine.value !== baseline.value) {
        throw new Error(`engine emitted ${engine.value} windows, baseline ${baseline.value}: results differ`);
      }
      const eventsPerSec = events / engine.seconds;
      const baselineEventsPerSec = events / baseline.seconds;
      return {
        eventsPerSec,
        baselineEventsPerSec,
        details: {
          windows: engine.value,
          ratioToBaseline: Number((eventsPerSec / baselineEventsPerSec).toFixed(3)),
        },
      };
    },
  };
}
