import type { LabelledSeries } from '../../../../ml/evaluation/nab/labelled-series.ts';

/** Epoch ms of 2014-01-01 00:00:00 UTC, where the synthetic series start. */
export const T0 = Date.UTC(2014, 0, 1);
export const MINUTE = 60_000;

/**
 * A series of `length` records one minute apart from {@link T0}, with windows given as inclusive
 * record ranges `[first, last]`.
 */
export function syntheticSeries(
  length: number,
  windows: readonly [number, number][],
  name = 'synthetic/file.csv',
): LabelledSeries {
  const timestamps = Array.from({ length }, (_, i) => T0 + i * MINUTE);
  return {
    name,
    timestamps,
    values: timestamps.map((_, i) => i),
    windows: windows.map(([first, last]) => ({ startMs: timestamps[first]!, endMs: timestamps[last]! })),
  };
}

/** Scores that are `at[i]` at the given records and 0 elsewhere. */
export function scoresAt(length: number, at: Readonly<Record<number, number>>): number[] {
  return Array.from({ length }, (_, i) => at[i] ?? 0);
}

/** NAB's scaled sigmoid written out independently of the code under test. */
export function S(y: number): number {
  return y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1;
}

/**
 * A tiny seeded generator (mulberry32) of uniform numbers in [0, 1), kept here so that scores
 * pinned by tests depend on nothing but this file.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
