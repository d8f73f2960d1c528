import { describe, expect, it } from 'vitest';
import { holtWintersSpec } from '../../../ml/models/holt-winters.ts';
import { LinearRegression, linearRegressionSpec } from '../../../ml/models/linear-regression.ts';
import { StandardScaler, standardScalerSpec } from '../../../ml/models/standard-scaler.ts';
import { learnAndPredictGlobal, learnGlobal } from '../../../ml/operators/global-models.ts';
import type { KeyedPrediction } from '../../../ml/operators/keyed-model-operator.ts';
import type { ModelChoice } from '../../../ml/operators/model-handle.ts';
import type { ModelVersion } from '../../../ml/operators/model-outputs.ts';
import { CollectingSink } from '../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../services/engine/api/stream-environment.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { WatermarkStrategy } from '../../../services/engine/time/watermark-strategy.ts';
import { linearStream } from '../support/streams.ts';
import type { Reading } from './jobs/global-model-job.ts';

/** 2000 readings of 4 devices, one every 25 ms: y = 2·x0 − 3·x1 + 1 (noiseless). */
const READINGS: Reading[] = linearStream({ n: 2000, seed: 8, weights: [2, -3] }).map((e, i) => ({
  device: `d${i % 4}`,
  ts: i * 25,
  x: e.x,
  y: e.y as number,
}));
const MODEL: ModelChoice = { spec: linearRegressionSpec, params: { learningRate: 0.2 } };

/** Runs a global model over READINGS at parallelism 1, batches of 10 (a watermark after each). */
async function run(model: ModelChoice, predict: boolean) {
  const env = new StreamEnvironment({ clock: new ManualClock(0) });
  const keyed = env
    .fromSource(
      new CollectionSource(READINGS, { batchSize: 10 }),
      WatermarkStrategy.forBoundedOutOfOrderness<Reading>(0).withTimestampAssigner((r) => r.ts),
    )
    .keyBy((r) => r.device);
  const options = {
    modelName: 'fleet',
    model,
    example: (r: Reading) => ({ x: r.x, y: r.y }),
    mergeEveryMs: 1000,
  };
  const predictions = new CollectingSink<KeyedPrediction<'*', number>>('predictions');
  const versions = new CollectingSink<ModelVersion>('versions');
  if (predict) {
    const streams = learnAndPredictGlobal(keyed, options);
    streams.predictions.sinkTo(predictions);
    streams.versions.sinkTo(versions);
  } else {
    learnGlobal(keyed, options).versions.sinkTo(versions);
  }
  const job = await env.start('global-model');
  await job.finished;
  return { predictions: predictions.records, versions: versions.records };
}

describe('learnAndPredictGlobal at parallelism 1 (StreamEnvironment job)', () => {
  it('emits one version per round, at the round end, once the watermark passed it', async () => {
    const { versions } = await run(MODEL, true);
    expect(versions).toHaveLength(50);
    versions.forEach((v, i) => {
      expect(v).toMatchObject({
        model: 'fleet',
        estimator: 'linear-regression',
        type: 'regressor',
        key: '*',
        version: i + 1,
        ts: (i + 1) * 1000 - 1,
        learned: (i + 1) * 40,
      });
    });
  });

  it('predicts each record with the replica: the version the watermark before its batch closed, test then train', async () => {
    const { predictions, versions } = await run(MODEL, true);
    expect(predictions).toHaveLength(READINGS.length);
    const modelAt = (version: number) => {
      const m = new LinearRegression({ learningRate: 0.2 });
      if (version > 0) m.restore(versions[version - 1]!.snapshot);
      return m;
    };
    predictions.forEach((p, i) => {
      const batch = Math.floor(i / 10);
      const watermark = batch === 0 ? -1 : 25 * (10 * batch - 1) - 1; // after the previous batch
      const version = Math.floor((watermark + 1) / 1000);
      expect(p).toMatchObject({ key: '*', ts: READINGS[i]!.ts, target: READINGS[i]!.y, version });
      expect(p.prediction).toBeCloseTo(modelAt(version).predictOne(READINGS[i]!.x), 12);
    });
    expect(new Set(predictions.map((p) => p.version)).size).toBe(50); // versions 0..49 used in turn
  });

  it('converges on the noiseless stream', async () => {
    const { versions } = await run(MODEL, true);
    const last = new LinearRegression({ learningRate: 0.2 });
    last.restore(versions.at(-1)!.snapshot);
    const { weights, intercept } = last.coefficients();
    expect(weights.x0).toBeCloseTo(2, 2);
    expect(weights.x1).toBeCloseTo(-3, 2);
    expect(intercept).toBeCloseTo(1, 2);
  });

  it('learnGlobal: a global standard scaler whose last version is exactly the whole stream', async () => {
    const { predictions, versions } = await run({ spec: standardScalerSpec }, false);
    expect(predictions).toEqual([]);
    const reference = new StandardScaler();
    for (const r of READINGS) reference.learnOne(r.x);
    const last = versions.at(-1)!;
    expect(last.learned).toBe(READINGS.length);
    const scaler = new StandardScaler();
    scaler.restore(last.snapshot);
    const probe = { x0: 0.3, x1: -1.2 };
    expect(scaler.transformOne(probe).x0).toBeCloseTo(reference.transformOne(probe).x0!, 12);
    expect(scaler.transformOne(probe).x1).toBeCloseTo(reference.transformOne(probe).x1!, 12);
  });

  it('refuses, when the job is built, a model without global learning, a transformer that should predict, a bad round', () => {
    const env = new StreamEnvironment({ clock: new ManualClock(0) });
    const keyed = env
      .fromSource(
        new CollectionSource(READINGS),
        WatermarkStrategy.forBoundedOutOfOrderness<Reading>(0).withTimestampAssigner((r) => r.ts),
      )
      .keyBy((r) => r.device);
    const options = { modelName: 'fleet', example: (r: Reading) => ({ x: r.x, y: r.y }), mergeEveryMs: 1000 };
    expect(() => learnAndPredictGlobal(keyed, { ...options, model: { spec: holtWintersSpec } })).toThrow(
      /holt-winters cannot learn globally: global models are standard-scaler, gaussian-naive-bayes, online-kmeans/,
    );
    expect(() => learnAndPredictGlobal(keyed, { ...options, model: { spec: standardScalerSpec } })).toThrow(
      'standard-scaler is a transformer: it makes no per-record predictions; learn it with learnGlobal',
    );
    expect(() => learnGlobal(keyed, { ...options, model: MODEL, mergeEveryMs: 0 })).toThrow(
      'global model "fleet": mergeEveryMs must be a positive number of milliseconds, got 0',
    );
  });
});
