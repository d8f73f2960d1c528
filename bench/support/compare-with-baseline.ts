import type { BenchReading } from '../data/synthetic-readings.ts';
import { timed } from '../scenario.ts';

/** Rounds of {@link compareWithBaseline}: each path is timed this many times, the best kept. */
export const COMPARE_ROUNDS = 3;

/** The node flags a scenario using {@link compareWithBaseline} needs (a full GC before each timing). */
export const COMPARE_NODE_FLAGS = ['--expose-gc'] as const;

/**
 * The engine and its hand-written baseline over the same in-memory readings, measured alike:
 * both warmed up on a prefix, then timed {@link COMPARE_ROUNDS} times each in alternating order
 * (which one goes first flips every round), each timing starting from a collected heap, so that
 * neither pays for the garbage the other left; the best time of each is kept (the machine may be
 * shared). Checks that both emitted the same number of windows.
 */
export async function compareWithBaseline(
  readings: readonly BenchReading[],
  engineOn: (r: readonly BenchReading[]) => Promise<number>,
  baselineOn: (r: readonly BenchReading[]) => number,
  warmUp = 500_000,
) {
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const warm = readings.slice(0, Math.min(warmUp, readings.length));
  await engineOn(warm);
  baselineOn(warm);
  const time = async (run: (r: readonly BenchReading[]) => Promise<number> | number) => {
    collect();
    return timed(() => run(readings));
  };
  const engine = { seconds: Number.POSITIVE_INFINITY, windows: 0 };
  const baseline = { seconds: Number.POSITIVE_INFINITY, windows: 0 };
  const keepBest = (best: typeof engine, run: { seconds: number; value: number }) => {
    best.seconds = Math.min(best.seconds, run.seconds);
    best.windows = run.value;
  };
  for (let round = 0; round < COMPARE_ROUNDS; round++) {
    if (round % 2 === 0) {
      keepBest(baseline, await time(baselineOn));
      keepBest(engine, await time(engineOn));
    } else {
      keepBest(engine, await time(engineOn));
      keepBest(baseline, await time(baselineOn));
    }
  }
  if (engine.windows !== baseline.windows) {
    throw new Error(`engine emitted ${engine.windows} windows, baseline ${baseline.windows}: results differ`);
  }
  const eventsPerSec = readings.length / engine.seconds;
  const baselineEventsPerSec = readings.length / baseline.seconds;
  return {
    eventsPerSec,
    baselineEventsPerSec,
    details: {
      windows: engine.windows,
      ratioToBaseline: Number((eventsPerSec / baselineEventsPerSec).toFixed(3)),
      rounds: COMPARE_ROUNDS,
    },
  };
}
