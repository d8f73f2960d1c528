import { describe, expect, it } from 'vitest';
import type { ModelMetricsReport, ModelVersion } from '../../../ml/operators/model-outputs.ts';
import type { Prediction } from '../../../services/domain/prediction.ts';
import type { WindowAggregate } from '../../../services/domain/window-aggregate.ts';
import { CollectingSink } from '../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../services/engine/api/sources/collection-source.ts';
import { runJob } from '../../../services/engine/runtime/parallel/run-job.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import {
  JOB_FILE_BINDINGS,
  JOB_FILE_MODULE,
  type JobFileArgs,
} from '../../../services/jobs/job-file-module.ts';
import { jobWithModels, MODELS, T, telemetry } from './support/model-job.ts';

/** A job file's job with models, run through its job module at `parallelism`, to the end. */
async function run(parallelism: number) {
  const sinks = {
    results: new CollectingSink<WindowAggregate>('results'),
    predictions: new CollectingSink<Prediction>('predictions'),
    metrics: new CollectingSink<ModelMetricsReport>('model-metrics'),
    versions: new CollectingSink<ModelVersion>('model-versions'),
  };
  const spec = jobWithModels(...MODELS);
  const job = await runJob({
    name: `models-p${parallelism}`,
    module: JOB_FILE_MODULE,
    args: {
      spec,
      results: ['results'],
      lateReadings: false,
      modelOutputs: [
        JOB_FILE_BINDINGS.predictions,
        JOB_FILE_BINDINGS.modelMetrics,
        JOB_FILE_BINDINGS.modelVersions,
      ],
    } satisfies JobFileArgs,
    parallelism,
    clock: new ManualClock(T),
    sources: { [JOB_FILE_BINDINGS.readings]: new CollectionSource(telemetry(90), { batchSize: 12 }) },
    sinks: {
      results: sinks.results,
      [JOB_FILE_BINDINGS.predictions]: sinks.predictions,
      [JOB_FILE_BINDINGS.modelMetrics]: sinks.metrics,
      [JOB_FILE_BINDINGS.modelVersions]: sinks.versions,
    },
  });
  await job.finished;
  const multiset = (records: readonly unknown[]) => records.map((r) => JSON.stringify(r)).sort();
  return {
    results: multiset(sinks.results.records),
    predictions: multiset(sinks.predictions.records),
    metrics: multiset(sinks.metrics.records),
    versions: multiset(sinks.versions.records),
  };
}

describe('a job file with models through its job module', () => {
  it('gives the same predictions, metrics and versions at parallelism 2 as at 1', async () => {
    const one = await run(1);
    const two = await run(2);
    expect(one.predictions.length).toBeGreaterThan(500);
    expect(one.metrics.length).toBeGreaterThan(0);
    expect(one.versions.length).toBeGreaterThan(0);
    expect(two.predictions).toEqual(one.predictions);
    expect(two.metrics).toEqual(one.metrics);
    expect(two.versions).toEqual(one.versions);
    expect(two.results).toEqual(one.results);
  }, 60_000);
});
