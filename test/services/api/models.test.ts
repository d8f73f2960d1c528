import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelVersion } from '../../../ml/operators/model-outputs.ts';
import { ModelRegistry } from '../../../ml/operators/model-registry.ts';
import { buildApp } from '../../../services/api/build-app.ts';
import { snapshotFileName } from '../../../services/api/routes/models.ts';
import { LiveFeed } from '../../../services/connectors/live/live-feed.ts';
import {
  forecastTimes,
  trainedClassifier,
  trainedClusterer,
  trainedForecaster,
  trainedPipeline,
  trainedRegressor,
  versionOf,
} from '../../ml/operators/model-versions.ts';
import { healthReport } from './fixtures.ts';

const X = { x0: 101, x1: -49.5, x2: 0.2 };
const regressor = trainedPipeline();
const classifier = trainedClassifier();
const clusterer = trainedClusterer();
const forecaster = trainedForecaster();

/** `fit` (per device, scaled, versions 1..25 of boiler-1, 1 of boiler-2), `state`, `modes` (global), `temp`, `idle` (no version). */
function registryWithModels(): ModelRegistry {
  const registry = new ModelRegistry();
  registry.declare([
    { name: 'fit', estimator: 'linear-regression', per: 'device', params: {}, scale: true },
    { name: 'state', estimator: 'gaussian-naive-bayes', per: 'device', params: {} },
    { name: 'modes', estimator: 'online-kmeans', per: 'global', params: { k: 2 } },
    { name: 'temp', estimator: 'holt-winters', per: 'series', params: { stepMs: 3_600_000 } },
    { name: 'idle', estimator: 'linear-regression', per: 'global', params: {} },
  ]);
  const sink = registry.sink();
  const fitVersion = (key: string, version: number) =>
    versionOf(regressor, {
      model: 'fit',
      estimator: 'linear-regression',
      type: 'regressor',
      key,
      version,
      learned: 200,
    });
  for (let v = 1; v <= 25; v++) sink.write(fitVersion('boiler-1', v), 0);
  sink.write(fitVersion('boiler-2', 1), 0);
  sink.write(
    versionOf(classifier, {
      model: 'state',
      estimator: 'gaussian-naive-bayes',
      type: 'classifier',
      key: 'press-1',
      version: 1,
      learned: 200,
    }),
    0,
  );
  sink.write(
    versionOf(clusterer, {
      model: 'modes',
      estimator: 'online-kmeans',
      type: 'clusterer',
      key: '*',
      version: 4,
      learned: 200,
    }),
    0,
  );
  sink.write(
    versionOf(forecaster, {
      model: 'temp',
      estimator: 'holt-winters',
      type: 'forecaster',
      key: 'boiler-1/temperature',
      version: 2,
      learned: 72,
    }),
    0,
  );
  return registry;
}

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({
    liveFeed: new LiveFeed(),
    health: () => healthReport(),
    models: registryWithModels(),
  });
});
afterAll(async () => app.close());

const get = (url: string) => app.inject({ method: 'GET', url });
const predict = (name: string, payload: unknown) =>
  app.inject({ method: 'POST', url: `/api/models/${name}/predict`, payload: payload as object });

/** Expects a catalog error: status, code, and a message matching `message`. */
async function expectError(
  res: Awaited<ReturnType<typeof get>>,
  status: number,
  code: string,
  message: RegExp,
) {
  expect(res.statusCode).toBe(status);
  const body = res.json();
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  expect(body.error.message).toMatch(message);
}

describe('GET /api/models', () => {
  it('lists every model, declared ones without a version too', async () => {
    const res = await get('/api/models');
    expect(res.statusCode).toBe(200);
    const { models } = res.json();
    expect(models.map((m: { name: string }) => m.name)).toEqual(['fit', 'idle', 'modes', 'state', 'temp']);
    expect(models[0]).toEqual({
      name: 'fit',
      estimator: 'linear-regression',
      type: 'regressor',
      per: 'device',
      keys: 2,
      latestVersion: 1,
      updatedAt: 1_700_000_060_000,
      learned: 400,
    });
    expect(models[1]).toMatchObject({
      name: 'idle',
      keys: 0,
      latestVersion: null,
      updatedAt: null,
      learned: 0,
    });
  });

  it('is not served without a registry', async () => {
    const bare = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport() });
    const res = await bare.inject({ method: 'GET', url: '/api/models' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('EDDY_NOT_FOUND');
    await bare.close();
  });
});

describe('GET /api/models/:name', () => {
  it('describes a model: params with defaults, keys by key, paged', async () => {
    const res = await get('/api/models/fit');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'fit',
      estimator: 'linear-regression',
      type: 'regressor',
      per: 'device',
      params: { optimizer: 'sgd', learningRate: 0.01, l2: 0, intercept: true },
      scale: true,
      totalKeys: 2,
      evictedKeys: 0,
      keys: [
        { key: 'boiler-1', version: 25, learned: 200 },
        { key: 'boiler-2', version: 1, learned: 200 },
      ],
    });
    const page = await get('/api/models/fit?limit=1&offset=1');
    expect(page.json().keys.map((k: { key: string }) => k.key)).toEqual(['boiler-2']);
    expect((await get('/api/models/fit?offset=5')).json().keys).toEqual([]);
  });

  it.each([
    ['limit=0', /query parameter "limit" must be >= 1/],
    ['limit=1001', /query parameter "limit" must be <= 1000/],
    ['limit=1.5', /query parameter "limit" must be integer/],
    ['offset=-1', /query parameter "offset" must be >= 0/],
    ['offset=abc', /query parameter "offset" must be integer/],
  ])('refuses ?%s with 400', async (query, message) => {
    await expectError(await get(`/api/models/fit?${query}`), 400, 'EDDY_INVALID_REQUEST', message);
  });

  it('answers 404 EDDY_MODEL_NOT_FOUND for an unknown model, naming the known ones', async () => {
    await expectError(
      await get('/api/models/nope'),
      404,
      'EDDY_MODEL_NOT_FOUND',
      /No model named "nope": the models are "fit", "state"/,
    );
  });

  it.each([
    ['a path', '..%2F..%2Fetc%2Fpasswd'],
    ['a shell command', 'a%3Brm%20-rf%20%2F'],
    ['markup', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
    ['a quote', "fit'%20OR%201%3D1"],
    ['a leading dot', '.hidden'],
    ['a name too long', 'x'.repeat(65)],
  ])('refuses %s as a model name with 400', async (_what, name) => {
    for (const url of [
      `/api/models/${name}`,
      `/api/models/${name}/versions`,
      `/api/models/${name}/snapshot`,
    ]) {
      await expectError(
        await get(url),
        400,
        'EDDY_INVALID_REQUEST',
        /path parameter "name" must match pattern/,
      );
    }
    await expectError(
      await predict(name, { features: X }),
      400,
      'EDDY_INVALID_REQUEST',
      /path parameter "name"/,
    );
  });
});

describe('GET /api/models/:name/versions', () => {
  it("lists a key's kept versions, newest first, and which snapshots are kept", async () => {
    const res = await get('/api/models/fit/versions?key=boiler-1');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.model).toBe('fit');
    expect(body.key).toBe('boiler-1');
    expect(body.versions).toHaveLength(20);
    expect(body.versions[0]).toEqual({
      version: 25,
      ts: 1_700_001_500_000,
      learned: 200,
      snapshotKept: true,
    });
    expect(body.versions.filter((v: { snapshotKept: boolean }) => v.snapshotKept)).toHaveLength(3);
  });

  it('takes no key for a global model, and a series key with its slash', async () => {
    expect((await get('/api/models/modes/versions')).json()).toMatchObject({
      key: '*',
      versions: [{ version: 4 }],
    });
    expect((await get('/api/models/modes/versions?key=*')).json().key).toBe('*');
    const series = await get('/api/models/temp/versions?key=boiler-1%2Ftemperature');
    expect(series.json()).toMatchObject({ key: 'boiler-1/temperature', versions: [{ version: 2 }] });
  });

  it('asks for a key for a model per device (400), knows no other keys (404), no version yet (409)', async () => {
    await expectError(
      await get('/api/models/fit/versions'),
      400,
      'EDDY_MODEL_KEY_REQUIRED',
      /name one with "key".*"boiler-1", "boiler-2"/,
    );
    await expectError(
      await get('/api/models/fit/versions?key=boiler-9'),
      404,
      'EDDY_MODEL_KEY_NOT_FOUND',
      /no version for key "boiler-9"/,
    );
    await expectError(
      await get('/api/models/idle/versions'),
      409,
      'EDDY_MODEL_NOT_READY',
      /"idle" has published no version yet/,
    );
  });

  it.each([['..%2Fx'], ['a%2Fb%2Fc'], ['%20boiler'], ['boiler%00'], ['**'], [''], ['x'.repeat(65)]])(
    'refuses the key %s with 400',
    async (key) => {
      await expectError(
        await get(`/api/models/fit/versions?key=${key}`),
        400,
        'EDDY_INVALID_REQUEST',
        /query parameter "key" must match pattern/,
      );
    },
  );
});

describe('GET /api/models/:name/snapshot', () => {
  it('downloads a version as its ModelVersion JSON, with a safe file name', async () => {
    const res = await get('/api/models/temp/snapshot?key=boiler-1%2Ftemperature');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="temp_boiler-1__temperature_v2.json"',
    );
    const version = res.json() as ModelVersion;
    expect(version).toMatchObject({
      model: 'temp',
      key: 'boiler-1/temperature',
      version: 2,
      type: 'forecaster',
    });
    expect(version.snapshot).toEqual(JSON.parse(JSON.stringify(forecaster.snapshot())));
    const global = await get('/api/models/modes/snapshot?version=4');
    expect(global.headers['content-disposition']).toBe('attachment; filename="modes_global_v4.json"');
  });

  it('answers 410 for a version whose snapshot is no longer kept, 404 for one not in the history', async () => {
    expect((await get('/api/models/fit/snapshot?key=boiler-1&version=23')).statusCode).toBe(200);
    await expectError(
      await get('/api/models/fit/snapshot?key=boiler-1&version=22'),
      410,
      'EDDY_MODEL_SNAPSHOT_EXPIRED',
      /version 22 is in the history.*25, 24, 23/,
    );
    await expectError(
      await get('/api/models/fit/snapshot?key=boiler-1&version=2'),
      404,
      'EDDY_MODEL_VERSION_NOT_FOUND',
      /no version 2: the versions kept are 6 to 25/,
    );
    await expectError(
      await get('/api/models/fit/snapshot?key=boiler-1&version=99'),
      404,
      'EDDY_MODEL_VERSION_NOT_FOUND',
      /no version 99/,
    );
  });

  it.each([
    ['0', />= 1/],
    ['-1', />= 1/],
    ['1.5', /integer/],
    ['abc', /integer/],
    ['1e3', /integer/],
  ])('refuses version=%s with 400', async (version, message) => {
    await expectError(
      await get(`/api/models/fit/snapshot?key=boiler-1&version=${version}`),
      400,
      'EDDY_INVALID_REQUEST',
      message,
    );
  });

  it('names files with safe characters only', () => {
    expect(snapshotFileName({ model: 'a.b', key: 'dev_1/m.x', version: 3 })).toBe('a.b_dev_1__m.x_v3.json');
  });
});

describe('POST /api/models/:name/predict', () => {
  it("answers a regressor's prediction (a pipeline, rebuilt from its snapshot), equal to the model's own", async () => {
    const res = await predict('fit', { key: 'boiler-1', features: X });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      model: 'fit',
      key: 'boiler-1',
      version: 25,
      prediction: regressor.predictOne(X),
    });
    const older = await predict('fit', { key: 'boiler-1', version: 24, features: X });
    expect(older.json().version).toBe(24);
  });

  it("answers a classifier's label and class probabilities", async () => {
    const x = { f0: -1.5, f1: -1, f2: -2 };
    const res = await predict('state', { key: 'press-1', features: x });
    expect(res.json()).toEqual({
      model: 'state',
      key: 'press-1',
      version: 1,
      prediction: classifier.predictOne(x),
      proba: Object.fromEntries(classifier.predictProbaOne(x)),
    });
    expect(res.json().prediction).toBe('idle');
  });

  it("answers a global clusterer's cluster without a key", async () => {
    const x = { f0: 2, f1: 2, f2: 2 };
    expect((await predict('modes', { features: x })).json()).toEqual({
      model: 'modes',
      key: '*',
      version: 4,
      prediction: clusterer.predictOne(x),
    });
  });

  it("answers a forecaster's forecast at the given timestamps", async () => {
    const timestamps = forecastTimes();
    const res = await predict('temp', { key: 'boiler-1/temperature', timestamps });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      model: 'temp',
      key: 'boiler-1/temperature',
      version: 2,
      forecast: forecaster.forecast(timestamps),
    });
    expect(res.json().forecast).toHaveLength(6);
  });

  it('takes time features and names like Object properties as plain feature names', async () => {
    const res = await predict('fit', {
      key: 'boiler-1',
      features: { ...X, tod_sin: 0.5, tod_cos: -0.5, constructor: 3 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().prediction).toBe(regressor.predictOne({ ...X, tod_sin: 0.5, tod_cos: -0.5 }));
  });

  it.each([
    ['an unknown model', 'nope', { features: X }, 404, 'EDDY_MODEL_NOT_FOUND', /No model named "nope"/],
    [
      'an unknown key',
      'fit',
      { key: 'boiler-9', features: X },
      404,
      'EDDY_MODEL_KEY_NOT_FOUND',
      /no version for key "boiler-9"/,
    ],
    [
      'an unknown version',
      'fit',
      { key: 'boiler-1', version: 99, features: X },
      404,
      'EDDY_MODEL_VERSION_NOT_FOUND',
      /no version 99/,
    ],
    [
      'an expired version',
      'fit',
      { key: 'boiler-1', version: 10, features: X },
      410,
      'EDDY_MODEL_SNAPSHOT_EXPIRED',
      /version 10 is in the history/,
    ],
    [
      'no key for a model per device',
      'fit',
      { features: X },
      400,
      'EDDY_MODEL_KEY_REQUIRED',
      /name one with "key"/,
    ],
    ['a model without a version yet', 'idle', { features: X }, 409, 'EDDY_MODEL_NOT_READY', /no version yet/],
    [
      'features for a forecaster',
      'temp',
      { key: 'boiler-1/temperature', features: X },
      400,
      'EDDY_MODEL_INVALID_INPUT',
      /forecaster: send "timestamps", not "features"/,
    ],
    [
      'features and timestamps for a forecaster',
      'temp',
      { key: 'boiler-1/temperature', features: X, timestamps: [1] },
      400,
      'EDDY_MODEL_INVALID_INPUT',
      /not "features"/,
    ],
    [
      'no timestamps for a forecaster',
      'temp',
      { key: 'boiler-1/temperature' },
      400,
      'EDDY_MODEL_INVALID_INPUT',
      /send "timestamps"/,
    ],
    [
      'timestamps for a regressor',
      'fit',
      { key: 'boiler-1', timestamps: [1, 2] },
      400,
      'EDDY_MODEL_INVALID_INPUT',
      /regressor: send "features", not "timestamps"/,
    ],
    [
      'no features for a regressor',
      'fit',
      { key: 'boiler-1' },
      400,
      'EDDY_MODEL_INVALID_INPUT',
      /needs "features"/,
    ],
    [
      'reversed timestamps',
      'temp',
      { key: 'boiler-1/temperature', timestamps: [3, 2, 1] },
      400,
      'EDDY_INVALID_REQUEST',
      /"timestamps" must increase: timestamps\[1\] = 2 is not after timestamps\[0\] = 3/,
    ],
    [
      'repeated timestamps',
      'temp',
      { key: 'boiler-1/temperature', timestamps: [1, 1] },
      400,
      'EDDY_INVALID_REQUEST',
      /must increase/,
    ],
    [
      'empty timestamps',
      'temp',
      { key: 'boiler-1/temperature', timestamps: [] },
      400,
      'EDDY_INVALID_REQUEST',
      /"timestamps" must not have fewer than 1 items/,
    ],
    [
      'too many timestamps',
      'temp',
      { key: 'boiler-1/temperature', timestamps: Array.from({ length: 1001 }, (_, i) => i) },
      400,
      'EDDY_INVALID_REQUEST',
      /"timestamps" must not have more than 1000 items/,
    ],
    [
      'a fractional timestamp',
      'temp',
      { key: 'boiler-1/temperature', timestamps: [1.5] },
      400,
      'EDDY_INVALID_REQUEST',
      /"timestamps.0" must be integer/,
    ],
    [
      'a negative timestamp',
      'temp',
      { key: 'boiler-1/temperature', timestamps: [-1] },
      400,
      'EDDY_INVALID_REQUEST',
      /"timestamps.0" must be >= 0/,
    ],
    [
      'a timestamp as text',
      'temp',
      { key: 'boiler-1/temperature', timestamps: ['1700000000000'] },
      400,
      'EDDY_INVALID_REQUEST',
      /"timestamps.0" must be integer/,
    ],
    [
      'NaN as text',
      'fit',
      { key: 'boiler-1', features: { x0: 'NaN' } },
      400,
      'EDDY_INVALID_REQUEST',
      /body field "features.x0" must be number/,
    ],
    [
      'a number as text',
      'fit',
      { key: 'boiler-1', features: { x0: '1' } },
      400,
      'EDDY_INVALID_REQUEST',
      /"features.x0" must be number/,
    ],
    [
      'null as a value',
      'fit',
      { key: 'boiler-1', features: { x0: null } },
      400,
      'EDDY_INVALID_REQUEST',
      /"features.x0" must be number/,
    ],
    [
      'features as a list',
      'fit',
      { key: 'boiler-1', features: [1, 2] },
      400,
      'EDDY_INVALID_REQUEST',
      /"features" must be object/,
    ],
    [
      'a nested feature',
      'fit',
      { key: 'boiler-1', features: { x0: { $gt: 1 } } },
      400,
      'EDDY_INVALID_REQUEST',
      /"features.x0" must be number/,
    ],
    [
      'a feature name with a space',
      'fit',
      { key: 'boiler-1', features: { 'x 0': 1 } },
      400,
      'EDDY_INVALID_REQUEST',
      /"features.x 0" must match pattern/,
    ],
    [
      'a feature name of code',
      'fit',
      { key: 'boiler-1', features: { 'process.exit()': 1 } },
      400,
      'EDDY_INVALID_REQUEST',
      /must match pattern/,
    ],
    [
      'a feature name starting with a digit',
      'fit',
      { key: 'boiler-1', features: { '1x': 1 } },
      400,
      'EDDY_INVALID_REQUEST',
      /"features.1x" must match pattern/,
    ],
    [
      'too many features',
      'fit',
      { key: 'boiler-1', features: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, i])) },
      400,
      'EDDY_INVALID_REQUEST',
      /"features" must not have more than 1000 properties/,
    ],
    [
      'a key as a number',
      'fit',
      { key: 1, features: X },
      400,
      'EDDY_INVALID_REQUEST',
      /"key" must be string/,
    ],
    [
      'a key that is a path',
      'fit',
      { key: '../../etc', features: X },
      400,
      'EDDY_INVALID_REQUEST',
      /"key" must match pattern/,
    ],
    [
      'a version as text',
      'fit',
      { key: 'boiler-1', version: '2', features: X },
      400,
      'EDDY_INVALID_REQUEST',
      /"version" must be integer/,
    ],
    [
      'version 0',
      'fit',
      { key: 'boiler-1', version: 0, features: X },
      400,
      'EDDY_INVALID_REQUEST',
      /"version" must be >= 1/,
    ],
    [
      'an unknown field',
      'fit',
      { key: 'boiler-1', features: X, eval: 'process.exit()' },
      400,
      'EDDY_INVALID_REQUEST',
      /"eval"/,
    ],
    ['a body that is a list', 'fit', [X], 400, 'EDDY_INVALID_REQUEST', /body must be object/],
  ])('refuses %s', async (_what, name, payload, status, code, message) => {
    await expectError(await predict(name, payload), status, code, message);
  });

  it('refuses a body that is not JSON, a huge number (Infinity) and a poisoned prototype with 400', async () => {
    const raw = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/api/models/fit/predict',
        payload,
        headers: { 'content-type': 'application/json' },
      });
    for (const body of ['{"key":', 'NaN', '{"key":"boiler-1","features":{"x0":NaN}}']) {
      const res = await raw(body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toMatch(/^FST_ERR_CTP_/);
    }
    await expectError(
      await raw('{"key":"boiler-1","features":{"x0":1e400}}'),
      400,
      'EDDY_INVALID_REQUEST',
      /"features.x0" must be number/,
    );
    const poisoned = await raw('{"key":"boiler-1","features":{"__proto__":{"polluted":1}}}');
    expect(poisoned.statusCode).toBe(400);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
    const empty = await app.inject({ method: 'POST', url: '/api/models/fit/predict' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('EDDY_INVALID_REQUEST');
  });

  it('answers 500 EDDY_MODEL_RESTORE_FAILED for a snapshot that cannot be restored', async () => {
    const registry = new ModelRegistry();
    const v = versionOf(trainedRegressor(), {
      model: 'bad',
      estimator: 'linear-regression',
      type: 'regressor',
      key: '*',
      version: 1,
      learned: 1,
    });
    registry.record({
      ...v,
      snapshot: { ...v.snapshot, params: { ...v.snapshot.params, learningRate: 'fast' } },
    });
    const local = await buildApp({
      liveFeed: new LiveFeed(),
      health: () => healthReport(),
      models: registry,
    });
    const res = await local.inject({
      method: 'POST',
      url: '/api/models/bad/predict',
      payload: { features: X },
    });
    await expectError(res, 500, 'EDDY_MODEL_RESTORE_FAILED', /"bad", key "\*", version 1 cannot be restored/);
    await local.close();
  });
});
