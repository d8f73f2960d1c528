import type { DetectorStepSpec, JobSpec } from '../../../services/config/job-spec.ts';
import type { Reading } from '../../../services/domain/reading.ts';
import { jobWithModels, T, telemetry } from './support/model-job.ts';

/** A detector step with the job defaults (decision 0.5 / 0.4, 5 min cool-down) for what `step` leaves out. */
export function detectorStep(
  step: Pick<DetectorStepSpec, 'name' | 'members'> & Partial<DetectorStepSpec>,
): DetectorStepSpec {
  return {
    combine: 'max',
    per: 'series',
    decision: { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 300_000 },
    overrides: [],
    ...step,
  };
}

/** One 10 s tumbling window, no models, and `detectors`. */
export function jobWithDetectors(...detectors: DetectorStepSpec[]): JobSpec {
  return { ...jobWithModels(), name: 'detectors', detectors };
}

/** The readings' planted anomalies: temperature jumps by 15 for one reading (device, second). */
export const PLANTED: readonly { device: string; second: number }[] = [
  { device: 'boiler-1', second: 60 },
  { device: 'pump-1', second: 90 },
  { device: 'boiler-2', second: 91 },
  { device: 'boiler-2', second: 100 }, // within boiler-2's cool-down: no event of its own
];

/** A planted dropout: pump-1 sends nothing from 30 s to 39 s. */
export const SILENT = { device: 'pump-1', from: 30, to: 39 };

/**
 * `telemetry(seconds)` (three devices, temperature / humidity / power every second) with the
 * spikes of {@link PLANTED} and the silence of {@link SILENT}.
 */
export function plantedTelemetry(seconds: number): Reading[] {
  const planted = new Set(PLANTED.map((p) => `${p.device}@${T + p.second * 1_000}`));
  const silent = (r: Reading) =>
    r.device === SILENT.device && r.ts >= T + SILENT.from * 1_000 && r.ts <= T + SILENT.to * 1_000;
  return telemetry(seconds)
    .filter((r) => !silent(r))
    .map((r) =>
      r.metric === 'temperature' && planted.has(`${r.device}@${r.ts}`) ? { ...r, value: r.value + 15 } : r,
    );
}

/** The steps the tests run: a z-score per series, Mahalanobis per device (with an override), dropouts of power. */
export const DETECTORS: readonly DetectorStepSpec[] = [
  detectorStep({
    name: 'spikes',
    members: [{ detector: 'rolling-z-score', params: { window: 60, warmup: 20 } }],
    metrics: ['temperature', 'humidity'],
    overrides: [{ metrics: ['humidity'], threshold: 0.9 }],
  }),
  detectorStep({
    name: 'coupling',
    per: 'device',
    members: [{ detector: 'mahalanobis', params: {} }],
    metrics: ['temperature', 'humidity'],
    overrides: [{ devices: ['pump-1'], off: true }],
  }),
  detectorStep({
    name: 'silence',
    members: [{ detector: 'dropout', params: {} }],
    metrics: ['power'],
  }),
];
