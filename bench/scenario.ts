/** What one benchmark scenario reports (one object of `bench/results/latest.json`). */
export interface ScenarioResult {
  readonly name: string;
  /** Throughput of the measured path; absent for scenarios that measure something else (memory). */
  readonly eventsPerSec?: number;
  /** The baseline's events/s, measured in the same process, when the scenario has one. */
  readonly baselineEventsPerSec?: number;
  /** Peak resident set size of the scenario's process. */
  readonly peakRssBytes: number;
  /** Anything else worth reading (counts, ratios, per-key memory). */
  readonly details?: Record<string, number | string>;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Extra `node` flags for the scenario's process, e.g. `--expose-gc`. */
  readonly nodeFlags?: readonly string[];
  run(): Promise<Omit<ScenarioResult, 'name' | 'peakRssBytes'>>;
}

/** Wall time of `work` in seconds (benchmarks measure real time; logic under test never does). */
export async function timed<T>(work: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

/** `global.gc`, which only exists under `node --expose-gc` (give the scenario `nodeFlags: ['--expose-gc']`). */
export function requireGc(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') {
    throw new Error('global.gc is missing: run this scenario with node --expose-gc (set nodeFlags)');
  }
  return gc;
}

/** Heap used after full garbage collections (needs {@link requireGc}). */
export function settledHeapUsed(): number {
  const gc = requireGc();
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}
