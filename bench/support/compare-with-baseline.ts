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
  let engineBest = Number.POSITIVE_INFINITY;
  let baselineBest = Number.POSITIVE_INFINITY;
  let windows = { engine: 0, baseline: 0 };
  const runEngine = async () => {
    collect();
    const run = await timed(() => engineOn(readings));
    engineBest = Math.min(engineBest, run.seconds);
    windows = { ...windows, engine: run.value };
  };
  const runBaseline = async () => {
    collect();
    const run = await timed(() => baselineOn(readings));
    baselineBest = Math.min(baselineBest, run.seconds);
    windows = { ...windows, baseline: run.value };
  };
  for (let round = 0; round < COMPARE_ROUNDS; round++) {
    if (round % 2 === 0) {
      await runBaseline();
      await runEngine();
    } else {
      await runEngine();
      await runBaseline();
    }
  }
  if (windows.engine !== windows.baseline) {
    throw new Error(`engine emitted ${windows.engine} windows, baseline ${windows.baseline}: results differ`);
  }
  const eventsPerSec = readings.length / engineBest;
  const baselineEventsPerSec = readings.length / baselineBest;
  return {
    eventsPerSec,
    baselineEventsPerSec,
    details: {
      windows: windows.engine,
      ratioToBaseline: Number((eventsPerSec / baselineEventsPerSec).toFixed(3)),
      rounds: COMPARE_ROUNDS,
    },
  };
}
