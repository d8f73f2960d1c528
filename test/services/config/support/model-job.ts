import type { JobSpec, ModelStepSpec } from '../../../../services/config/job-spec.ts';
import { JOB_DEFAULTS } from '../../../../services/config/job-spec.ts';
import { parseJobFile } from '../../../../services/config/parse-job-file.ts';
import type { Reading } from '../../../../services/domain/reading.ts';

/** A multiple of 10 s. */
export const T = 1_700_000_000_000;

/** A model step with the job defaults for everything `step` leaves out. */
export function modelStep(
  step: Pick<ModelStepSpec, 'name' | 'estimator' | 'per'> & Partial<ModelStepSpec>,
): ModelStepSpec {
  const { timeFeatures, scale, coverage, versionEveryMs, metricsEveryMs, rollingWindow } =
    JOB_DEFAULTS.models;
  return {
    params: {},
    timeFeatures,
    scale,
    coverage,
    versionEveryMs,
    metricsEveryMs,
    rollingWindow,
    ...step,
  };
}

/** One 10 s tumbling window and `models`. */
export function jobWithModels(...models: ModelStepSpec[]): JobSpec {
  return {
    ...parseJobFile('name: models\nwindows:\n  - { type: tumbling, size: 10s }\n', 'job.yaml'),
    models,
  };
}

/**
 * Three devices sending temperature, humidity and power once a second for `seconds` (a daily-ish
 * cycle of 20 s; power follows temperature and humidity), deterministic, in time order.
 */
export function telemetry(seconds: number, devices = ['boiler-1', 'boiler-2', 'pump-1']): Reading[] {
  const readings: Reading[] = [];
  for (let s = 0; s < seconds; s++) {
    devices.forEach((device, d) => {
      const ts = T + s * 1_000;
      const temperature = 20 + d + 3 * Math.sin((2 * Math.PI * s) / 20) + ((s * 7 + d) % 5) * 0.05;
      const humidity = 40 + 5 * Math.cos((2 * Math.PI * s) / 20) + ((s * 3 + d) % 4) * 0.1;
      const power = 2 * temperature - 0.5 * humidity + d;
      readings.push(
        { device, metric: 'temperature', ts, value: temperature },
        { device, metric: 'humidity', ts, value: humidity },
        { device, metric: 'power', ts, value: power },
      );
    });
  }
  return readings;
}

/** The models the tests run: a forecaster per series, a regressor and a clusterer per device. */
export const MODELS: readonly ModelStepSpec[] = [
  modelStep({
    name: 'forecast',
    estimator: 'holt-winters',
    per: 'series',
    metrics: ['temperature'],
    params: { stepMs: 1_000, seasonMs: 20_000 },
    versionEveryMs: 30_000,
    metricsEveryMs: 30_000,
    rollingWindow: 50,
  }),
  modelStep({
    name: 'power',
    estimator: 'linear-regression',
    per: 'device',
    target: 'power',
    features: ['temperature', 'humidity'],
    timeFeatures: true,
    params: { learningRate: 0.05 },
    versionEveryMs: 30_000,
    metricsEveryMs: 30_000,
    rollingWindow: 50,
  }),
  modelStep({
    name: 'clusters',
    estimator: 'online-kmeans',
    per: 'device',
    metrics: ['temperature', 'humidity'],
    params: { k: 2, globalBatchSize: 8 },
    versionEveryMs: 30_000,
    metricsEveryMs: 30_000,
    rollingWindow: 50,
  }),
];
