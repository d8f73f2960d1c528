/**
 * Who publishes what in the soak test: a fixed number of active devices, replaced by a new set of
 * ids every `rotateEveryMs` (so Eddy keeps meeting new keys and must let old ones go), one in
 * `probeEvery` of them a probe whose readings are followed into InfluxDB. Pure: times are given.
 */

/** Device ids that start with this are probes (their predictions are looked up in InfluxDB). */
export const PROBE_PREFIX = 'probe-';

/** The shape of the fleet. */
export interface RotationPlan {
  /** Devices active at a time. */
  readonly devices: number;
  /** A new set of device ids this often. */
  readonly rotateEveryMs: number;
  /** One device in this many is a probe (1: all). */
  readonly probeEvery: number;
}

/**
 * The set of device ids active `elapsedMs` after the start: 0, 1, 2, ...
 *
 * @example
 * generationAt(65_000, 30_000); // 2
 */
export function generationAt(elapsedMs: number, rotateEveryMs: number): number {
  return Math.floor(Math.max(0, elapsedMs) / rotateEveryMs);
}

/**
 * Whether device `index` of a set is a probe.
 *
 * @example
 * isProbeIndex(50, 50); // true
 */
export function isProbeIndex(index: number, probeEvery: number): boolean {
  return index % probeEvery === 0;
}

/**
 * The id of device `index` in set `generation`: unique over the whole soak, a probe's starting
 * with {@link PROBE_PREFIX}.
 *
 * @example
 * deviceId(3, 50, 50); // 'probe-g3-50'
 * deviceId(3, 51, 50); // 'dev-g3-51'
 */
export function deviceId(generation: number, index: number, probeEvery: number): string {
  return `${isProbeIndex(index, probeEvery) ? PROBE_PREFIX : 'dev-'}g${generation}-${index}`;
}

/**
 * Which device sends message number `seq` (0-based) while `generation` is active: round robin, so
 * every device sends `rate / devices` messages a second.
 *
 * @example
 * messageDevice({ devices: 100, rotateEveryMs: 30_000, probeEvery: 50 }, 2, 250); // 'probe-g2-50'
 */
export function messageDevice(plan: RotationPlan, generation: number, seq: number): string {
  return deviceId(generation, seq % plan.devices, plan.probeEvery);
}

/**
 * How long a set must have been publishing before one of its devices gets a spike: long enough for
 * the default detectors' warm-up (10 values per hourly bucket) with a margin: at least 5 s and at
 * least `readings` readings per device.
 *
 * @example
 * spikeAfterMs({ devices: 1000, rotateEveryMs: 30_000, probeEvery: 50 }, 2000); // 10000 (20 readings at 2/s)
 */
export function spikeAfterMs(plan: RotationPlan, rate: number, readings = 20): number {
  return Math.max(5_000, Math.ceil((readings * plan.devices * 1000) / rate));
}

/**
 * A seeded source of normal noise (mulberry32 + Box–Muller), so a soak's values repeat.
 *
 * @example
 * const noise = seededNormal(1); noise(); // the same number for seed 1, every run
 */
export function seededNormal(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = 1 - uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}
