import { describe, expect, it } from 'vitest';
import { rowInput, seriesInput } from '../../../ml/operators/detect-inputs.ts';
import { DetectOperator } from '../../../ml/operators/detect-operator.ts';
import type { DeviceRow } from '../../../ml/operators/device-rows-operator.ts';
import { defineJob } from '../../../services/config/define-job.ts';
import type { DetectorStepSpec, JobSpec } from '../../../services/config/job-spec.ts';
import type { AnomalyEvent } from '../../../services/domain/anomaly.ts';
import type { Reading } from '../../../services/domain/reading.ts';
import type { WindowAggregate } from '../../../services/domain/window-aggregate.ts';
import { CollectingSink } from '../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../services/engine/api/stream-environment.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { OperatorHarness } from '../../support/operator-harness.ts';
import {
  DETECTORS,
  detectorStep,
  jobWithDetectors,
  PLANTED,
  plantedTelemetry,
  SILENT,
} from './define-detectors-fixtures.ts';
import { T } from './support/model-job.ts';

/** Runs `spec` over `readings` at parallelism 1, to the end, with two anomalies sinks. */
async function run(spec: JobSpec, readings: Reading[]) {
  const results = new CollectingSink<WindowAggregate>('results');
  const anomalies = new CollectingSink<AnomalyEvent>('anomalies');
  const alerts = new CollectingSink<AnomalyEvent>('alerts');
  const env = new StreamEnvironment({ clock: new ManualClock(T) });
  defineJob(env, spec, {
    source: new CollectionSource(readings, { batchSize: 9 }),
    results: [results],
    anomalies: [anomalies, alerts],
  });
  const uids = env.plan.flatMap((node) => (node.uid === undefined ? [] : [node.uid]));
  const job = await env.start(spec.name);
  await job.finished;
  return { results: results.records, anomalies: anomalies.records, alerts: alerts.records, uids };
}

/** What one step must find: its operator run by hand over the step's records, in time order. */
function reference(step: DetectorStepSpec, readings: readonly Reading[]): AnomalyEvent[] {
  const wanted = readings.filter((r) => step.metrics?.includes(r.metric) ?? true);
  const common = {
    name: 'reference',
    detectorName: step.name,
    per: step.per,
    detector: step,
    decision: step.decision,
    overrides: step.overrides,
  };
  const out: AnomalyEvent[] = [];
  const collect = (h: OperatorHarness<never, AnomalyEvent>) =>
    out.push(...h.take().flatMap((e) => ('record' in e ? [e.record as AnomalyEvent] : [])));
  if (step.per === 'series') {
    const h = new OperatorHarness(new DetectOperator<Reading>({ ...common, input: seriesInput }));
    for (const r of wanted) h.element(r, r.ts);
    collect(h as OperatorHarness<never, AnomalyEvent>);
    return out;
  }
  const rows = new Map<string, DeviceRow>();
  for (const r of wanted) {
    const key = `${r.ts} ${r.device}`;
    const row = rows.get(key) ?? { device: r.device, ts: r.ts, values: {} };
    rows.set(key, { ...row, values: { ...row.values, [r.metric]: r.value } });
  }
  const h = new OperatorHarness(new DetectOperator<DeviceRow>({ ...common, input: rowInput }));
  for (const row of rows.values()) h.element(row, row.ts);
  collect(h as OperatorHarness<never, AnomalyEvent>);
  return out;
}

const byDeviceAndTime = (a: AnomalyEvent, b: AnomalyEvent) =>
  a.detector.localeCompare(b.detector) || a.device.localeCompare(b.device) || a.ts - b.ts;

describe('defineDetectors (through defineJob, parallelism 1)', () => {
  const readings = plantedTelemetry(120);

  it('runs every detector step into every anomalies sink: one event per planted incident', async () => {
    const { anomalies, alerts, results, uids } = await run(jobWithDetectors(...DETECTORS), readings);
    expect(results.length).toBeGreaterThan(0); // the windows still run
    expect(uids).toEqual(
      expect.arrayContaining(['detector-spikes', 'detector-coupling', 'detector-coupling-rows']),
    );
    const spikes = anomalies.filter((e) => e.detector === 'spikes').sort(byDeviceAndTime);
    expect(spikes.map((e) => [e.device, e.metric, e.ts])).toEqual(
      PLANTED.filter((p) => p.second !== 100)
        .map((p) => [p.device, 'temperature', T + p.second * 1_000])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    for (const e of spikes) {
      expect(e.value).toBeGreaterThan(e.upper);
      expect(e.reason).toMatch(/std from the rolling mean/);
    }
    const byRecords = DETECTORS.filter((step) => step.name !== 'silence');
    const expected = byRecords.flatMap((step) => reference(step, readings)).sort(byDeviceAndTime);
    expect(anomalies.filter((e) => e.detector !== 'silence').sort(byDeviceAndTime)).toEqual(expected);
    expect(alerts).toEqual(anomalies);
    // Mahalanobis per device sees the broken temperature–humidity relation; pump-1 is off
    const coupling = anomalies.filter((e) => e.detector === 'coupling');
    expect(coupling.length).toBeGreaterThan(0);
    expect(coupling.every((e) => e.device !== 'pump-1' && e.metric === 'humidity,temperature')).toBe(true);
    // dropouts (timers): pump-1's silence 3 intervals after its last reading, and every device's
    // at the end of the input (pump-1's within its cool-down)
    const silence = anomalies.filter((e) => e.detector === 'silence').sort(byDeviceAndTime);
    const deadline = (second: number) => T + (second + 3) * 1_000;
    expect(silence.map((e) => [e.device, e.metric, e.ts])).toEqual([
      ['boiler-1', 'power', deadline(119)],
      ['boiler-2', 'power', deadline(119)],
      ['pump-1', 'power', deadline(SILENT.from - 1)],
    ]);
    expect(silence[2]!.reason).toMatch(/no reading/);
  });

  it('builds nothing for a job without detectors, and runs the detectors without a sink', async () => {
    const without = await run(jobWithDetectors(), readings);
    expect(without.uids.some((uid) => uid.startsWith('detector-'))).toBe(false);
    const env = new StreamEnvironment({ clock: new ManualClock(T) });
    defineJob(env, jobWithDetectors(...DETECTORS), {
      source: new CollectionSource(readings),
      results: [new CollectingSink<WindowAggregate>('results')],
    });
    const job = await env.start('no-sinks');
    await job.finished;
    expect(job.metrics().operators.find((o) => o.name === 'detect(spikes)')?.recordsIn).toBe(
      readings.filter((r) => r.metric !== 'power').length,
    );
  });

  it('refuses members that cannot read what their step gives them, naming the step', () => {
    const define = (step: DetectorStepSpec) =>
      defineJob(new StreamEnvironment(), jobWithDetectors(step), {
        source: new CollectionSource<Reading>([]),
        results: [new CollectingSink<WindowAggregate>('results')],
      });
    expect(() =>
      define(detectorStep({ name: 'a', members: [{ detector: 'mahalanobis', params: {} }] })),
    ).toThrow(/detector a: per: series takes univariate detectors; mahalanobis is multivariate/);
    expect(() =>
      define(detectorStep({ name: 'b', per: 'device', members: [{ detector: 'ewma', params: {} }] })),
    ).toThrow(/detector b: per: device gives ewma rows of metrics/);
    expect(() =>
      define(detectorStep({ name: 'c', members: [{ detector: 'ewma', params: { feature: 'power' } }] })),
    ).toThrow(/detector c: per: series gives ewma each reading as feature "value"/);
    expect(() => define(detectorStep({ name: 'd', members: [{ detector: 'zscore', params: {} }] }))).toThrow(
      /unknown detector "zscore"/,
    );
  });
});
