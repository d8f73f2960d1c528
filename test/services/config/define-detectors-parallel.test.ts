import { describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../../../services/domain/anomaly.ts';
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
import { DETECTORS, jobWithDetectors, PLANTED, plantedTelemetry } from './define-detectors-fixtures.ts';
import { T } from './support/model-job.ts';

/** A job file's job with detectors, run through its job module at `parallelism`, to the end. */
async function run(parallelism: number) {
  const results = new CollectingSink<WindowAggregate>('results');
  const anomalies = new CollectingSink<AnomalyEvent>('anomalies');
  const job = await runJob({
    name: `detectors-p${parallelism}`,
    module: JOB_FILE_MODULE,
    args: {
      spec: jobWithDetectors(...DETECTORS),
      results: ['results'],
      lateReadings: false,
      anomalies: true,
    } satisfies JobFileArgs,
    parallelism,
    clock: new ManualClock(T),
    sources: { [JOB_FILE_BINDINGS.readings]: new CollectionSource(plantedTelemetry(120), { batchSize: 12 }) },
    sinks: { results, [JOB_FILE_BINDINGS.anomalies]: anomalies },
  });
  await job.finished;
  const multiset = (records: readonly unknown[]) => records.map((r) => JSON.stringify(r)).sort();
  return { results: multiset(results.records), anomalies: multiset(anomalies.records) };
}

describe('a job file with detectors through its job module', () => {
  it('gives the same anomaly events at parallelism 2 as at 1', async () => {
    const one = await run(1);
    const two = await run(2);
    expect(one.anomalies.length).toBeGreaterThanOrEqual(PLANTED.length - 1);
    expect(two.anomalies).toEqual(one.anomalies);
    expect(two.results).toEqual(one.results);
  }, 60_000);
});
