import type { ModelMetricsReport, ModelVersion } from '../../ml/operators/model-outputs.ts';
import { defineJob } from '../config/define-job.ts';
import type { JobSpec } from '../config/job-spec.ts';
import type { AnomalyEvent } from '../domain/anomaly.ts';
import type { LateReading } from '../domain/late-reading.ts';
import type { Prediction } from '../domain/prediction.ts';
import type { Reading } from '../domain/reading.ts';
import type { WindowAggregate } from '../domain/window-aggregate.ts';
import type { Sink } from '../engine/api/sink.ts';
import { defineJobModule } from '../engine/runtime/parallel/job-module.ts';

/** The names the job module reaches its main-thread source and sinks by (`runJob`'s `sources` / `sinks`). */
export const JOB_FILE_BINDINGS = {
  /** The MQTT readings (the embedded broker's `BrokerSource`, or an `MqttSource`). */
  readings: 'readings',
  /** Late readings of `late: influx` windows (InfluxDB `late_readings`). */
  lateReadings: 'late-readings',
  /** The models' predictions, prequential metrics and versions (one sink each, fanned out in the main thread). */
  predictions: 'predictions',
  modelMetrics: 'model-metrics',
  modelVersions: 'model-versions',
  /** The detectors' anomaly events. */
  anomalies: 'anomalies',
} as const;

/**
 * What every thread builds a job file's job from: plain data (structured-cloneable), so the worker
 * threads of a parallel job get the same job as the main thread without reading the file again.
 */
export interface JobFileArgs {
  /** The checked job (from the job file, or the default job shaped by `eddy start`'s flags). */
  readonly spec: JobSpec;
  /** Names of the bound sinks each window aggregate goes to, e.g. `['influx', 'live']`. */
  readonly results: readonly string[];
  /** Whether a late-readings sink is bound ({@link JOB_FILE_BINDINGS}.lateReadings). */
  readonly lateReadings: boolean;
  /**
   * Which of the models' outputs have a bound sink: {@link JOB_FILE_BINDINGS}.predictions,
   * modelMetrics, modelVersions (absent: none).
   */
  readonly modelOutputs?: readonly string[];
  /** Whether an anomalies sink is bound ({@link JOB_FILE_BINDINGS}.anomalies; absent: no). */
  readonly anomalies?: boolean;
}

/** Where {@link jobFileModule} lives, for `runJob({ module })`. */
export const JOB_FILE_MODULE = new URL(import.meta.url);

/**
 * A job file's job as a job module (`runJob`), so it runs at any parallelism: the source and the
 * sinks stay in the main thread, bound by name; at parallelism > 1 the windows run in the workers.
 *
 * @example
 * await runJob({
 *   name: spec.name,
 *   module: JOB_FILE_MODULE,
 *   args: { spec, results: ['influx', 'live'], lateReadings: false } satisfies JobFileArgs,
 *   parallelism: 2,
 *   sources: { readings: ingest.source },
 *   sinks: { influx: influxSink, live: liveFeed.sink('aggregate') },
 * });
 */
const jobFileModule = defineJobModule<JobFileArgs>(
  (env, { spec, results, lateReadings, modelOutputs = [], anomalies = false }) => {
    const modelSinks = <T>(name: string): Sink<T>[] =>
      modelOutputs.includes(name) ? [env.boundSink<T>(name)] : [];
    defineJob(env, spec, {
      source: env.boundSource<Reading>(JOB_FILE_BINDINGS.readings),
      results: results.map((name) => env.boundSink<WindowAggregate>(name)),
      ...(lateReadings ? { lateReadings: env.boundSink<LateReading>(JOB_FILE_BINDINGS.lateReadings) } : {}),
      predictions: modelSinks<Prediction>(JOB_FILE_BINDINGS.predictions),
      modelMetrics: modelSinks<ModelMetricsReport>(JOB_FILE_BINDINGS.modelMetrics),
      modelVersions: modelSinks<ModelVersion>(JOB_FILE_BINDINGS.modelVersions),
      ...(anomalies ? { anomalies: [env.boundSink<AnomalyEvent>(JOB_FILE_BINDINGS.anomalies)] } : {}),
    });
  },
);

export default jobFileModule;
