import { describe, expect, it } from 'vitest';
import type { Forecaster } from '../../../ml/core/estimator.ts';
import { holtWintersSpec } from '../../../ml/models/holt-winters.ts';
import { fullModelParams } from '../../../ml/operators/model-handle.ts';
import type { ModelMetricsReport, ModelVersion } from '../../../ml/operators/model-outputs.ts';
import { defineJob } from '../../../services/config/define-job.ts';
import type { JobSpec } from '../../../services/config/job-spec.ts';
import type { Prediction } from '../../../services/domain/prediction.ts';
import type { Reading } from '../../../services/domain/reading.ts';
import type { WindowAggregate } from '../../../services/domain/window-aggregate.ts';
import { CollectingSink } from '../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../services/engine/api/stream-environment.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { jobWithModels, MODELS, modelStep, T, telemetry } from './support/model-job.ts';

/** Runs `spec` over `readings` at parallelism 1, to the end. */
async function run(spec: JobSpec, readings: Reading[]) {
  const results = new CollectingSink<WindowAggregate>('results');
  const predictions = new CollectingSink<Prediction>('predictions');
  const metrics = new CollectingSink<ModelMetricsReport>('model-metrics');
  const versions = new CollectingSink<ModelVersion>('model-versions');
  const env = new StreamEnvironment({ clock: new ManualClock(T) });
  defineJob(env, spec, {
    source: new CollectionSource(readings, { batchSize: 9 }),
    results: [results],
    predictions: [predictions],
    modelMetrics: [metrics],
    modelVersions: [versions],
  });
  const uids = env.plan.flatMap((node) => (node.uid === undefined ? [] : [node.uid]));
  const job = await env.start(spec.name);
  await job.finished;
  return {
    results: results.records,
    predictions: predictions.records,
    metrics: metrics.records,
    versions: versions.records,
    uids,
  };
}

/** The last report of each (model, key, scope). */
function latest(reports: readonly ModelMetricsReport[]): Map<string, ModelMetricsReport> {
  return new Map(reports.map((r) => [`${r.model} ${r.key} ${r.scope}`, r]));
}

describe('defineModels (through defineJob, parallelism 1)', () => {
  const readings = telemetry(120);

  it('forecasts every series of the metrics asked for, test-then-train, as predictions', async () => {
    const { predictions, results, uids } = await run(jobWithModels(MODELS[0]!), readings);
    expect(results.length).toBeGreaterThan(0); // the windows still run
    expect(uids).toEqual(expect.arrayContaining(['model-forecast', 'model-forecast-metrics']));
    const models = new Map<string, Forecaster>();
    const params = fullModelParams({ spec: holtWintersSpec, params: MODELS[0]!.params });
    const expected: Prediction[] = [];
    for (const r of readings.filter((r) => r.metric === 'temperature')) {
      const model = models.get(r.device) ?? (holtWintersSpec.create(params) as Forecaster);
      models.set(r.device, model);
      const [f] = model.forecast([r.ts], 0.95);
      if (f)
        expected.push({
          device: r.device,
          metric: 'temperature',
          model: 'forecast',
          ts: r.ts,
          value: r.value,
          expected: f.value,
          lower: f.lower,
          upper: f.upper,
        });
      model.learnOne(r.value, r.ts);
    }
    expect(expected.length).toBeGreaterThan(200);
    const order = (a: Prediction, b: Prediction) => a.device.localeCompare(b.device) || a.ts - b.ts;
    expect([...predictions].sort(order)).toEqual(expected.sort(order));
  });

  it('predicts per device from rows: a regressor of the target, a clusterer of the metrics asked for', async () => {
    const { predictions, metrics, versions, uids } = await run(
      jobWithModels(MODELS[1]!, MODELS[2]!),
      readings,
    );
    expect(uids).toEqual(
      expect.arrayContaining([
        'model-power',
        'model-power-rows',
        'model-power-metrics',
        'model-clusters',
        'model-clusters-rows',
      ]),
    );
    const power = predictions.filter((p) => p.model === 'power');
    expect(power).toHaveLength(360); // a row per device and second
    const byTs = new Map(
      readings.filter((r) => r.metric === 'power').map((r) => [`${r.device}@${r.ts}`, r.value]),
    );
    for (const p of power) {
      expect(p).toMatchObject({ metric: 'power', value: byTs.get(`${p.device}@${p.ts}`) });
      expect([p.lower, p.upper]).toEqual([NaN, NaN]);
    }
    const late = power.filter((p) => p.ts >= T + 100_000);
    expect(late.reduce((s, p) => s + Math.abs(p.value - p.expected), 0) / late.length).toBeLessThan(1.5);

    const clusters = predictions.filter((p) => p.model === 'clusters');
    expect(clusters).toHaveLength(360);
    expect(
      clusters.every(
        (p) => p.metric === 'cluster' && Number.isNaN(p.value) && (p.expected === 0 || p.expected === 1),
      ),
    ).toBe(true);

    const reports = latest(metrics);
    expect(reports.get('power boiler-1 cumulative')).toMatchObject({
      count: 120,
      version: expect.any(Number),
    });
    expect(Object.keys(reports.get('power boiler-1 rolling')!.metrics)).toEqual(['mae', 'rmse', 'r2']);
    expect(reports.get('power boiler-1 rolling')?.count).toBe(50);
    expect(reports.get('clusters pump-1 cumulative')).toMatchObject({
      count: 120,
      metrics: { inertia: expect.any(Number) },
    });
    expect(reports.get('clusters pump-1 cumulative')!.metrics.inertia).toBeGreaterThan(0);

    const last = new Map(versions.map((v) => [`${v.model} ${v.key}`, v]));
    expect(last.get('power boiler-2')).toMatchObject({
      estimator: 'standard-scaler|linear-regression',
      type: 'regressor',
      learned: 120,
    });
    expect(last.get('clusters boiler-2')).toMatchObject({ type: 'clusterer', learned: 120 });
    expect(last.get('power boiler-2')?.version).toBe(
      versions.filter((v) => v.model === 'power' && v.key === 'boiler-2').length,
    );
  });

  it('learns one global model on the rows of every device, a version per round, predictions naming their device', async () => {
    const fleet = modelStep({
      name: 'fleet-power',
      estimator: 'linear-regression',
      per: 'global',
      target: 'power',
      features: ['temperature', 'humidity'],
      params: { learningRate: 0.1 },
      versionEveryMs: 2_000, // a round (one mini-batch step of the fleet's rows) every 2 s
      metricsEveryMs: 30_000,
      rollingWindow: 50,
    });
    const { predictions, metrics, versions, uids } = await run(jobWithModels(fleet), readings);
    expect(uids).toEqual(expect.arrayContaining(['model-fleet-power/learner', 'model-fleet-power/merger']));
    expect(predictions).toHaveLength(360); // a row per device and second, every device in the one model
    expect(new Set(predictions.map((p) => p.device))).toEqual(new Set(['boiler-1', 'boiler-2', 'pump-1']));
    const byTs = new Map(
      readings.filter((r) => r.metric === 'power').map((r) => [`${r.device}@${r.ts}`, r.value]),
    );
    for (const p of predictions)
      expect(p).toMatchObject({ metric: 'power', value: byTs.get(`${p.device}@${p.ts}`) });

    // one version per 2 s round, all under key '*', numbered 1, 2, …, the last having learned every row
    expect(versions.every((v) => v.key === '*' && v.model === 'fleet-power')).toBe(true);
    expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
    expect(versions.length).toBeGreaterThanOrEqual(60);
    expect(versions.at(-1)).toMatchObject({ learned: 360, estimator: 'standard-scaler|linear-regression' });

    // the merged model learns: the error of the last 20 s is well under that of the first 20 s
    const mae = (from: number, to: number) => {
      const part = predictions.filter((p) => p.ts >= T + from && p.ts < T + to);
      return part.reduce((sum, p) => sum + Math.abs(p.value - p.expected), 0) / part.length;
    };
    expect(mae(100_000, 120_000)).toBeLessThan(mae(0, 20_000) / 2);
    const reports = latest(metrics);
    expect(reports.get('fleet-power * cumulative')).toMatchObject({ count: 360 });
  });

  it('refuses steps it cannot build, naming the model', () => {
    const env = () => new StreamEnvironment({ clock: new ManualClock(T) });
    const build = (step: (typeof MODELS)[number]) =>
      defineJob(env(), jobWithModels(step), {
        source: new CollectionSource<Reading>([]),
        results: [new CollectingSink()],
      });
    expect(() =>
      build(
        modelStep({
          name: 'fleet',
          estimator: 'passive-aggressive-regressor',
          per: 'global',
          target: 'power',
        }),
      ),
    ).toThrow(
      /standard-scaler\|passive-aggressive-regressor cannot learn globally: passive-aggressive-regressor cannot \(global models are .*linear-regression\)/,
    );
    expect(() => build(modelStep({ name: 'hw', estimator: 'holt-winters', per: 'device' }))).toThrow(
      /model hw: per: device takes regressors, classifiers and clusterers; holt-winters is a forecaster/,
    );
    expect(() => build(modelStep({ name: 'lr', estimator: 'linear-regression', per: 'series' }))).toThrow(
      /model lr: per: series takes forecasters; linear-regression is a regressor/,
    );
    expect(() => build(modelStep({ name: 'lr', estimator: 'linear-regression', per: 'device' }))).toThrow(
      /model lr: a regressor needs a target/,
    );
  });
});
