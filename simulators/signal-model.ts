import type { Random } from '../services/common/random.ts';
import type { MetricProfile, Range } from './metric-profiles.ts';

/** Milliseconds in a day: the period of the daily seasonality. */
export const DAY_MS = 86_400_000;

/**
 * One device's signal for one metric: base level, a 24 h cycle by event time (UTC), Gaussian noise
 * and a slow linear drift from `origin`. Drawn once per device from the seed by {@link drawSignal}.
 */
export interface SignalParams {
  readonly base: number;
  readonly dailyAmplitude: number;
  /** Time of day (ms after UTC midnight) at which the cycle peaks. */
  readonly peakOffsetMs: number;
  readonly noise: number;
  readonly driftPerDay: number;
  /** Event time the drift is measured from (the fleet's start). */
  readonly origin: number;
}

/** Draws a device's parameters for one metric, uniformly within the profile's ranges. */
export function drawSignal(profile: MetricProfile, random: Random, origin: number): SignalParams {
  return {
    base: uniform(profile.base, random),
    dailyAmplitude: uniform(profile.dailyAmplitude, random),
    peakOffsetMs: uniform(profile.peakHour, random) * 3_600_000,
    noise: uniform(profile.noise, random),
    driftPerDay: uniform(profile.driftPerDay, random),
    origin,
  };
}

/**
 * The noise-free value at event time `ts`: base + seasonality + drift.
 *
 * @example
 * const p = { base: 20, dailyAmplitude: 5, peakOffsetMs: 15 * 3_600_000, noise: 0, driftPerDay: 0, origin: 0 };
 * expectedValue(p, 15 * 3_600_000); // 25 (the daily peak)
 * expectedValue(p, 3 * 3_600_000);  // 15 (the trough, 12 h later)
 */
export function expectedValue(params: SignalParams, ts: number): number {
  const phase = (2 * Math.PI * (ts - params.peakOffsetMs)) / DAY_MS;
  const seasonal = params.dailyAmplitude * Math.cos(phase);
  const drift = (params.driftPerDay * (ts - params.origin)) / DAY_MS;
  return params.base + seasonal + drift;
}

/** One noisy sample at `ts`; consumes exactly one normal draw from `random`. */
export function sampleValue(params: SignalParams, ts: number, random: Random): number {
  return expectedValue(params, ts) + random.normal(0, params.noise);
}

/** Uniform in `[min, max)`. */
export function uniform(range: Range, random: Random): number {
  return range[0] + (range[1] - range[0]) * random.next();
}
