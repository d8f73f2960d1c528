import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlpRegressor, mlpRegressorSpec } from '../../../ml/models/mlp-regressor.ts';
import { createRandom } from '../../../services/common/random.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { linearStream as conformanceStream, estimatorConformance } from '../support/conformance.ts';
import { initTestTensorFlow, liveTensors, paramsOf, throughJson } from '../tf/tf-test-support.ts';

const params = paramsOf(mlpRegressorSpec, { everyMs: 0, stepsPerRound: 4, learningRate: 0.01, seed: 7 });

/** y = 2a - b + N(0, 0.05): a known linear target the network must fit. */
function linearStream(seed: number, count: number): Array<{ x: { a: number; b: number }; y: number }> {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => {
    const a = random.normal();
    const b = random.normal();
    return { x: { a, b }, y: 2 * a - b + random.normal(0, 0.05) };
  });
}

async function learnAll(model: MlpRegressor, stream: ReturnType<typeof linearStream>): Promise<void> {
  for (const [i, { x, y }] of stream.entries()) {
    model.learnOne(x, y);
    if (i % 32 === 31) await model.whenIdle();
  }
  await model.whenIdle();
}

// Every test here, the conformance suite's included, runs on the backend initTensorFlow picks.
beforeAll(initTestTensorFlow);

describe('MlpRegressor', () => {
  const models: MlpRegressor[] = [];
  const make = () => {
    const model = new MlpRegressor(params, new ManualClock());
    models.push(model);
    return model;
  };
  afterAll(async () => {
    for (const model of models) await model.dispose();
  });

  it('predicts the running mean of the target before training, never NaN', () => {
    const model = make();
    expect(model.predictOne({ a: 1 })).toBe(0);
    model.learnOne({ a: 1, b: 0 }, 4);
    model.learnOne({ a: 0, b: 1 }, 6);
    expect(model.predictOne({ a: 1 })).toBe(5);
  });

  it('fits y = 2a - b + noise to a low error', async () => {
    const model = make();
    await learnAll(model, linearStream(1, 3000));
    const test = linearStream(2, 200);
    const mae = test.reduce((sum, { x, y }) => sum + Math.abs(model.predictOne(x) - y), 0) / test.length;
    // The target's spread is sqrt(5) ≈ 2.24 (mean absolute deviation ≈ 1.8).
    expect(mae).toBeLessThan(0.15);
  });

  it('maps features to input positions on first sight, sorted within a record, up to the cap', () => {
    const model = new MlpRegressor({ ...params, maxFeatures: 3 }, new ManualClock());
    models.push(model);
    model.learnOne({ z: 1, b: 2 }, 0);
    model.learnOne({ a: 1, z: 2, c: 3, d: 4 }, 0);
    expect(model.featureOrder).toEqual(['b', 'z', 'a']);
  });

  it('restores a snapshot (through JSON) into a clone with identical predictions and training', async () => {
    const model = make();
    await learnAll(model, linearStream(3, 256));
    const snapshot = model.snapshot();
    expect(throughJson(snapshot)).toEqual(snapshot);
    const copy = model.clone();
    models.push(copy);
    copy.restore(throughJson(snapshot));
    const probes = linearStream(4, 20).map((s) => s.x);
    expect(probes.map((x) => copy.predictOne(x))).toEqual(probes.map((x) => model.predictOne(x)));
    // Optimizer moments, buffer and sampling state came along: further training stays the same, up
    // to float32 rounding (tfjs recomputes Adam's bias correction beta^t with pow on restore, where
    // the running optimizer multiplied it step by step).
    const more = linearStream(5, 96);
    await learnAll(model, more);
    await learnAll(copy, more);
    const expected = probes.map((x) => model.predictOne(x));
    for (const [i, x] of probes.entries())
      expect(copy.predictOne(x)).toBeCloseTo(expected[i] ?? Number.NaN, 4);
  });

  it('is deterministic: two clones fed the same stream predict the same', async () => {
    const a = make();
    const b = a.clone();
    models.push(b);
    const stream = linearStream(6, 160);
    await learnAll(a, stream);
    await learnAll(b, stream);
    expect(b.predictOne({ a: 0.3, b: -1 })).toBe(a.predictOne({ a: 0.3, b: -1 }));
  });

  it('refuses a snapshot taken with other hyperparameters', () => {
    const model = make();
    const other = new MlpRegressor({ ...params, hiddenUnits: 8 }, new ManualClock());
    models.push(other);
    expect(() => model.restore(other.snapshot())).toThrow(/other hyperparameters/);
  });

  it('leaks no tensors while learning, predicting, snapshotting and restoring', async () => {
    const model = make();
    await learnAll(model, linearStream(8, 64)); // Adam's moments exist from the first step on
    const before = liveTensors();
    await learnAll(model, linearStream(9, 320));
    for (const { x } of linearStream(10, 50)) model.predictOne(x);
    const copy = model.clone();
    copy.restore(model.snapshot());
    await copy.whenIdle();
    await copy.dispose();
    expect(liveTensors()).toBe(before);
  });
});

estimatorConformance(mlpRegressorSpec, () => conformanceStream({ n: 80 }));
