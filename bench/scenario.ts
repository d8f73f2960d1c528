/** What one benchmark scenario reports (one object of `bench/results/latest.json`). */
export interface ScenarioResult {
  readonly name: string;
  readonly eventsPerSec: number;
  /** The hand-written baseline's events/s, measured in the same process, when the scenario has one. */
  readonly baselineEventsPerSec?: number;
  /** Peak resident set size of the scenario's process. */
  readonly peakRssBytes: number;
  /** Anything else worth reading (counts, ratios, per-key memory). */
  readonly details?: Record<string, number | string>;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  run(): Promise<Omit<ScenarioResult, 'name' | 'peakRssBytes'>>;
}

/** Wall time of `work` in seconds (benchmarks measure real time; logic under test never does). */
export async function timed<T>(work: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}
