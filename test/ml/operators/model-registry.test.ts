import { describe, expect, it } from 'vitest';
import type { OnlineEstimator } from '../../../ml/core/estimator.ts';
import type { ModelSpec } from '../../../ml/core/model-spec.ts';
import { linearRegressionSpec } from '../../../ml/models/linear-regression.ts';
import { findModelSpec, MODEL_SPECS } from '../../../ml/models/registry.ts';
import type { StandardScaler } from '../../../ml/models/standard-scaler.ts';
import type { ModelVersion } from '../../../ml/operators/model-outputs.ts';
import { ModelRegistry } from '../../../ml/operators/model-registry.ts';
import { ModelServingError } from '../../../ml/operators/model-registry-errors.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import {
  build,
  forecastTimes,
  trainedClassifier,
  trainedClusterer,
  trainedForecaster,
  trainedPipeline,
  trainedRegressor,
  versionOf,
} from './model-versions.ts';

const X = { x0: 0.3, x1: -1.2, x2: 2 };

/** Versions 1..n of `key` of a regression model `fit`, each after 10 more examples. */
function regressionVersions(n: number, key = 'boiler-1', model = 'fit'): ModelVersion[] {
  return Array.from({ length: n }, (_, i) =>
    versionOf(trainedRegressor(10 * (i + 1)), {
      model,
      estimator: 'linear-regression',
      type: 'regressor',
      key,
      version: i + 1,
      learned: 10 * (i + 1),
    }),
  );
}

function refusal(call: () => unknown): ModelServingError {
  try {
    call();
  } catch (error) {
    if (error instanceof ModelServingError) return error;
    throw error;
  }
  throw new Error('expected a ModelServingError');
}

describe('ModelRegistry: declarations', () => {
  it('lists declared models before their first version, and refuses to serve them yet', () => {
    const registry = new ModelRegistry();
    registry.declare([
      {
        name: 'fit',
        estimator: 'linear-regression',
        per: 'device',
        params: { learningRate: 0.05 },
        scale: true,
      },
      { name: 'forecast', estimator: 'holt-winters', per: 'series', params: {} },
    ]);
    expect(registry.list()).toEqual([
      {
        name: 'fit',
        estimator: 'linear-regression',
        type: 'regressor',
        per: 'device',
        keys: 0,
        latestVersion: null,
        updatedAt: null,
        learned: 0,
      },
      {
        name: 'forecast',
        estimator: 'holt-winters',
        type: 'forecaster',
        per: 'series',
        keys: 0,
        latestVersion: null,
        updatedAt: null,
        learned: 0,
      },
    ]);
    expect(registry.describe('fit')).toMatchObject({
      params: { optimizer: 'sgd', learningRate: 0.05, l2: 0, intercept: true },
      scale: true,
      totalKeys: 0,
      keys: [],
    });
    const notReady = refusal(() => registry.predict('fit', { key: 'boiler-1', features: X }));
    expect(notReady.code).toBe('EDDY_MODEL_NOT_READY');
    expect(notReady.message).toMatch(/"fit" has published no version yet/);
  });

  it.each([
    [
      'a name that is no path segment',
      { name: '../x', estimator: 'linear-regression' },
      /model name "\.\.\/x"/,
    ],
    ['an unknown estimator', { name: 'a', estimator: 'nope' }, /unknown model "nope"/],
    [
      'an unknown hyperparameter',
      { name: 'a', estimator: 'linear-regression', params: { rate: 1 } },
      /no parameter "rate"/,
    ],
  ])('refuses %s', (_what, model, message) => {
    const registry = new ModelRegistry();
    expect(() => registry.declare([{ per: 'device', params: {}, ...model }])).toThrow(message);
  });

  it('refuses a name declared twice, and keeps versions when declared again', () => {
    const registry = new ModelRegistry();
    const fit = { name: 'fit', estimator: 'linear-regression', per: 'device' as const, params: {} };
    expect(() => registry.declare([fit, fit])).toThrow(/"fit" is declared twice/);
    registry.sink().write(regressionVersions(1)[0]!, 0);
    registry.declare([fit]);
    expect(registry.list()[0]).toMatchObject({ name: 'fit', keys: 1, latestVersion: 1 });
  });
});

describe('ModelRegistry: versions', () => {
  it('records versions through its sink: latest per key, summaries, key pages', async () => {
    const registry = new ModelRegistry();
    const sink = registry.sink();
    await sink.open({ clock: new ManualClock(0) });
    for (const v of [...regressionVersions(2, 'b'), ...regressionVersions(3, 'a')]) sink.write(v, v.ts);
    await sink.flush();
    await sink.close();
    expect(sink.name).toBe('model-registry');
    expect(registry.list()).toEqual([
      {
        name: 'fit',
        estimator: 'linear-regression',
        type: 'regressor',
        per: 'device',
        keys: 2,
        latestVersion: 3,
        updatedAt: 1_700_000_180_000,
        learned: 50,
      },
    ]);
    const described = registry.describe('fit', { limit: 1, offset: 1 });
    expect(described).toMatchObject({
      totalKeys: 2,
      evictedKeys: 0,
      keys: [{ key: 'b', version: 2, learned: 20 }],
    });
    expect(described.params).toEqual(regressionVersions(1)[0]!.snapshot.params);
    expect(registry.versions('fit', 'a').versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(registry.snapshot('fit', 'a')).toBe(registry.snapshot('fit', 'a', 3));
    expect(registry.snapshot('fit', 'a', 2).version).toBe(2);
  });

  it('keeps the last 20 versions of a key, and the snapshots of the last 3 only', () => {
    const registry = new ModelRegistry();
    for (const v of regressionVersions(25)) registry.record(v);
    const { versions } = registry.versions('fit', 'boiler-1');
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 20 }, (_, i) => 25 - i));
    expect(versions.filter((v) => v.snapshotKept).map((v) => v.version)).toEqual([25, 24, 23]);
    expect(registry.snapshot('fit', 'boiler-1', 23).version).toBe(23);
    const expired = refusal(() => registry.snapshot('fit', 'boiler-1', 22));
    expect(expired.code).toBe('EDDY_MODEL_SNAPSHOT_EXPIRED');
    expect(expired.message).toMatch(/version 22 is in the history.*25, 24, 23/);
    const gone = refusal(() => registry.predict('fit', { key: 'boiler-1', version: 5, features: X }));
    expect(gone.code).toBe('EDDY_MODEL_VERSION_NOT_FOUND');
    expect(gone.message).toMatch(/no version 5: the versions kept are 6 to 25/);
  });

  it('keeps at most maxKeysPerModel keys, dropping the one updated longest ago', () => {
    const registry = new ModelRegistry({ limits: { maxKeysPerModel: 3 } });
    const [v1] = regressionVersions(1, 'k');
    const at = (key: string, version = 1) => ({ ...v1!, key, version });
    for (const key of ['a', 'b', 'c']) registry.record(at(key));
    registry.record(at('a', 2)); // a is now the most recently updated
    registry.record(at('d'));
    expect(registry.describe('fit').keys.map((k) => k.key)).toEqual(['a', 'c', 'd']);
    expect(registry.describe('fit').evictedKeys).toBe(1);
    expect(registry.list()[0]!.learned).toBe(30); // the kept keys' latest versions, 10 each
    const missing = refusal(() => registry.versions('fit', 'b'));
    expect(missing.code).toBe('EDDY_MODEL_KEY_NOT_FOUND');
    expect(missing.message).toMatch(/no version for key "b".*past 3 keys/);
    expect(registry.stats()).toMatchObject({ models: 1, keys: 3, evictedKeys: 1, versionsRecorded: 5 });
  });

  it('pages keys by key, 100 by default and at most 1,000', () => {
    const registry = new ModelRegistry();
    const [v] = regressionVersions(1);
    for (let i = 0; i < 1_200; i++) registry.record({ ...v!, key: `dev-${String(i).padStart(4, '0')}` });
    expect(registry.describe('fit').keys).toHaveLength(100);
    expect(registry.describe('fit', { limit: 5_000 }).keys).toHaveLength(1_000);
    const page = registry.describe('fit', { limit: 2, offset: 1_198 });
    expect(page.keys.map((k) => k.key)).toEqual(['dev-1198', 'dev-1199']);
    expect(page.totalKeys).toBe(1_200);
  });

  it('keeps at most maxModels models: versions of further undeclared ones are dropped and counted', () => {
    const registry = new ModelRegistry({ limits: { maxModels: 2 } });
    for (const model of ['m1', 'm2', 'm3']) registry.record(regressionVersions(1, 'k', model)[0]!);
    expect(registry.list().map((m) => m.name)).toEqual(['m1', 'm2']);
    expect(registry.stats().droppedVersions).toBe(1);
  });

  it('drops a malformed record instead of failing the job', () => {
    const registry = new ModelRegistry();
    registry.sink().write({ model: 'fit' } as unknown as ModelVersion, 0);
    expect(registry.list()).toEqual([]);
    expect(registry.stats().droppedVersions).toBe(1);
  });

  it('forgets the versions a restored job publishes again, and serves what it published last', () => {
    const registry = new ModelRegistry();
    const versions = regressionVersions(5);
    for (const v of versions) registry.record(v);
    expect(registry.predict('fit', { key: 'boiler-1', features: X }).version).toBe(5);
    const before = registry.predict('fit', { key: 'boiler-1', version: 3, features: X }).prediction;
    expect(before).toBe(trainedRegressor(30).predictOne(X)); // version 3 restored and cached
    const republished = versionOf(trainedRegressor(33), {
      model: 'fit',
      estimator: 'linear-regression',
      type: 'regressor',
      key: 'boiler-1',
      version: 3,
      learned: 33,
    });
    registry.record(republished);
    expect(registry.versions('fit', 'boiler-1').versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(registry.list()[0]).toMatchObject({ latestVersion: 3, learned: 33 });
    expect(registry.predict('fit', { key: 'boiler-1', version: 3, features: X }).prediction).toBe(
      trainedRegressor(33).predictOne(X),
    );
    expect(trainedRegressor(33).predictOne(X)).not.toBe(before);
  });

  it('infers the scope of undeclared models from their keys', () => {
    const registry = new ModelRegistry();
    const [v] = regressionVersions(1);
    registry.record({ ...v!, model: 'g', key: '*' });
    registry.record({ ...v!, model: 's', key: 'boiler-1/temperature' });
    registry.record({ ...v!, model: 'd', key: 'boiler-1' });
    expect(registry.list().map((m) => [m.name, m.per])).toEqual([
      ['d', 'device'],
      ['g', 'global'],
      ['s', 'series'],
    ]);
  });

  it.each([
    [{ historyPerKey: 0 }, /historyPerKey must be a positive integer/],
    [{ snapshotsPerKey: 30 }, /snapshotsPerKey must not exceed/],
    [{ cachedEstimators: 1.5 }, /cachedEstimators must be a positive integer/],
  ])('refuses limits %j', (limits, message) => {
    expect(() => new ModelRegistry({ limits })).toThrow(message);
  });
});

describe("ModelRegistry: predictions equal the estimator's own", () => {
  const fields = (model: string, estimator: string, type: ModelVersion['type'], key = 'boiler-1') => ({
    model,
    estimator,
    type,
    key,
    version: 1,
    learned: 200,
  });

  it('regressors', () => {
    const model = trainedRegressor();
    const registry = new ModelRegistry();
    registry.record(versionOf(model, fields('fit', 'linear-regression', 'regressor')));
    expect(registry.predict('fit', { key: 'boiler-1', features: X })).toEqual({
      model: 'fit',
      key: 'boiler-1',
      version: 1,
      prediction: model.predictOne(X),
    });
  });

  it('pipelines (a scaler in front), rebuilt from the snapshot alone', () => {
    const model = trainedPipeline();
    const version = versionOf(model, fields('fit', 'linear-regression', 'regressor'));
    expect(version.snapshot.kind).toBe('standard-scaler|linear-regression');
    const registry = new ModelRegistry();
    registry.declare([
      { name: 'fit', estimator: 'linear-regression', per: 'device', params: {}, scale: true },
    ]);
    registry.record(version);
    const x = { x0: 101, x1: -49.5, x2: 0.2 };
    expect(registry.predict('fit', { key: 'boiler-1', features: x }).prediction).toBe(model.predictOne(x));
  });

  it('classifiers: the label and every class probability', () => {
    const model = trainedClassifier();
    const registry = new ModelRegistry();
    registry.record(versionOf(model, fields('state', 'gaussian-naive-bayes', 'classifier')));
    const x = { f0: 1.2, f1: 0.8, f2: 1.9 };
    const answer = registry.predict('state', { key: 'boiler-1', features: x });
    expect(answer.prediction).toBe('running');
    expect(answer.prediction).toBe(model.predictOne(x));
    expect(answer.proba).toEqual(Object.fromEntries(model.predictProbaOne(x)));
    expect(Object.keys(answer.proba!).sort()).toEqual(['idle', 'running']);
  });

  it('clusterers: the cluster index', () => {
    const model = trainedClusterer();
    const registry = new ModelRegistry();
    registry.record(versionOf(model, fields('modes', 'online-kmeans', 'clusterer', '*')));
    for (const x of [
      { f0: -2, f1: -2, f2: -2 },
      { f0: 2, f1: 2, f2: 2 },
    ]) {
      expect(registry.predict('modes', { features: x })).toEqual({
        model: 'modes',
        key: '*',
        version: 1,
        prediction: model.predictOne(x),
      });
    }
  });

  it('forecasters: the forecast at the given timestamps, at the declared coverage', () => {
    const model = trainedForecaster();
    const registry = new ModelRegistry();
    registry.declare([
      {
        name: 'temp',
        estimator: 'holt-winters',
        per: 'series',
        params: { stepMs: 3_600_000 },
        coverage: 0.8,
      },
    ]);
    registry.record(versionOf(model, fields('temp', 'holt-winters', 'forecaster', 'boiler-1/temperature')));
    const timestamps = forecastTimes();
    const { forecast } = registry.predict('temp', { key: 'boiler-1/temperature', timestamps });
    expect(forecast).toEqual(model.forecast(timestamps, 0.8));
    expect(forecast).toHaveLength(6);
    expect(forecast![0]!.upper - forecast![0]!.lower).toBeLessThan(
      model.forecast(timestamps, 0.95)[0]!.upper - model.forecast(timestamps, 0.95)[0]!.lower,
    );
  });

  it('an older version answers as the estimator did then, the same request the same answer', () => {
    const registry = new ModelRegistry();
    for (const v of regressionVersions(3)) registry.record(v);
    const v2 = registry.predict('fit', { key: 'boiler-1', version: 2, features: X });
    expect(v2.prediction).toBe(trainedRegressor(20).predictOne(X));
    expect(registry.predict('fit', { key: 'boiler-1', version: 2, features: X })).toEqual(v2);
    expect(registry.predict('fit', { key: 'boiler-1', features: X }).prediction).toBe(
      trainedRegressor(30).predictOne(X),
    );
  });
});

describe('ModelRegistry: restored estimators', () => {
  /** linear-regression built through a spec that counts (and marks disposable) what it builds. */
  function countingSpecs() {
    const built: (OnlineEstimator & { disposed: boolean })[] = [];
    const spec: ModelSpec = {
      ...linearRegressionSpec,
      create: (params) => {
        const model = Object.assign(linearRegressionSpec.create(params), {
          disposed: false,
          dispose() {
            model.disposed = true;
          },
        });
        built.push(model);
        return model;
      },
    } as ModelSpec;
    return { built, specs: MODEL_SPECS.map((s) => (s.name === spec.name ? spec : s)) };
  }

  it('caches them per (model, key, version), the least recently used dropped and disposed', () => {
    const { built, specs } = countingSpecs();
    const registry = new ModelRegistry({ specs, limits: { cachedEstimators: 2 } });
    for (const v of regressionVersions(3)) registry.record(v);
    const ask = (version: number) => registry.predict('fit', { key: 'boiler-1', version, features: X });
    ask(1);
    ask(2);
    ask(1);
    expect(built).toHaveLength(2);
    ask(3); // drops version 2, used least recently
    expect(built).toHaveLength(3);
    expect(built.map((m) => m.disposed)).toEqual([false, true, false]);
    ask(1);
    expect(built).toHaveLength(3);
    ask(2);
    expect(built).toHaveLength(4);
    expect(registry.stats().cachedEstimators).toBe(2);
  });

  it('answers EDDY_MODEL_RESTORE_FAILED for a snapshot it cannot restore', () => {
    const registry = new ModelRegistry();
    const [v] = regressionVersions(1);
    registry.record({ ...v!, snapshot: { ...v!.snapshot, kind: 'no-such-model' } });
    const error = refusal(() => registry.predict('fit', { key: 'boiler-1', features: X }));
    expect(error.code).toBe('EDDY_MODEL_RESTORE_FAILED');
    expect(error.message).toMatch(
      /"fit", key "boiler-1", version 1 cannot be restored.*unknown model "no-such-model"/,
    );
  });

  it('refuses to predict with a transformer', () => {
    const scaler = build(findModelSpec('standard-scaler')) as StandardScaler;
    scaler.learnOne({ a: 1 });
    const registry = new ModelRegistry();
    registry.record(
      versionOf(scaler, {
        model: 'scale',
        estimator: 'standard-scaler',
        type: 'transformer',
        key: '*',
        version: 1,
        learned: 1,
      }),
    );
    expect(refusal(() => registry.predict('scale', { features: { a: 2 } })).code).toBe(
      'EDDY_MODEL_CANNOT_PREDICT',
    );
  });
});

describe('ModelRegistry: requests', () => {
  const registry = new ModelRegistry();
  for (const v of regressionVersions(1)) registry.record(v);
  registry.record(
    versionOf(trainedForecaster(), {
      model: 'temp',
      estimator: 'holt-winters',
      type: 'forecaster',
      key: 'b/t',
      version: 1,
      learned: 72,
    }),
  );
  registry.record({ ...regressionVersions(1)[0]!, model: 'global', key: '*' });

  it.each([
    [
      'an unknown model',
      'nope',
      {},
      'EDDY_MODEL_NOT_FOUND',
      /No model named "nope": the models are "fit", "temp", "global"/,
    ],
    [
      'no key for a model per device, even with one key',
      'fit',
      { features: X },
      'EDDY_MODEL_KEY_REQUIRED',
      /one model per device: name one with "key" \(it has 1 key, e.g. "boiler-1"/,
    ],
    [
      'an unknown key',
      'fit',
      { key: 'boiler-2', features: X },
      'EDDY_MODEL_KEY_NOT_FOUND',
      /no version for key "boiler-2"/,
    ],
    [
      'timestamps for a regressor',
      'fit',
      { key: 'boiler-1', timestamps: [1] },
      'EDDY_MODEL_INVALID_INPUT',
      /is a regressor: send "features", not "timestamps"/,
    ],
    [
      'no features for a regressor',
      'fit',
      { key: 'boiler-1' },
      'EDDY_MODEL_INVALID_INPUT',
      /needs "features"/,
    ],
    [
      'a feature that is not finite',
      'fit',
      { key: 'boiler-1', features: { a: Number.NaN } },
      'EDDY_MODEL_INVALID_INPUT',
      /feature "a" must be a finite number, got NaN/,
    ],
    [
      'too many features',
      'fit',
      { key: 'boiler-1', features: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, 1])) },
      'EDDY_MODEL_INVALID_INPUT',
      /at most 1000 features, got 1001/,
    ],
    [
      'features for a forecaster',
      'temp',
      { key: 'b/t', features: X },
      'EDDY_MODEL_INVALID_INPUT',
      /is a forecaster: send "timestamps", not "features"/,
    ],
    [
      'no timestamps for a forecaster',
      'temp',
      { key: 'b/t' },
      'EDDY_MODEL_INVALID_INPUT',
      /send "timestamps"/,
    ],
    [
      'empty timestamps',
      'temp',
      { key: 'b/t', timestamps: [] },
      'EDDY_MODEL_INVALID_INPUT',
      /1 to 1000 timestamps, got 0/,
    ],
    [
      'reversed timestamps',
      'temp',
      { key: 'b/t', timestamps: [2, 1] },
      'EDDY_MODEL_INVALID_INPUT',
      /timestamps must increase: timestamps\[1\] = 1 is not after 2/,
    ],
    [
      'fractional timestamps',
      'temp',
      { key: 'b/t', timestamps: [1.5] },
      'EDDY_MODEL_INVALID_INPUT',
      /timestamps\[0\] must be a whole number/,
    ],
  ])('refuses %s', (_what, model, request, code, message) => {
    const error = refusal(() => registry.predict(model, request));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('takes no key for a global model', () => {
    expect(registry.predict('global', { features: X })).toMatchObject({ key: '*', version: 1 });
  });

  it('treats features named like Object properties as plain names', () => {
    const model = trainedRegressor(10);
    const answer = registry.predict('fit', {
      key: 'boiler-1',
      features: { constructor: 2, toString: 1, x0: 1 },
    });
    expect(answer.prediction).toBe(model.predictOne({ x0: 1 }));
  });
});
