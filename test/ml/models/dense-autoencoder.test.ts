import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DenseAutoencoder, denseAutoencoderSpec } from '../../../ml/models/dense-autoencoder.ts';
import { createRandom } from '../../../services/common/random.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { estimatorConformance, linearStream } from '../support/conformance.ts';
import { initTestTensorFlow, liveTensors, paramsOf, throughJson } from '../tf/tf-test-support.ts';

const params = paramsOf(denseAutoencoderSpec, { everyMs: 0, stepsPerRound: 4, learningRate: 0.01, seed: 3 });

/**
 * Inliers live near a 2-d plane in 4-d (c = a + b, d = a - b, in °C-like units around 20):
 * outliers break that relation while each value stays in the inliers' range.
 */
function inlier(random: ReturnType<typeof createRandom>): Record<string, number> {
  const a = random.normal();
  const b = random.normal();
  return { a: 20 + a, b: 40 + 5 * b, c: a + b + random.normal(0, 0.05), d: a - b + random.normal(0, 0.05) };
}

function outlier(random: ReturnType<typeof createRandom>): Record<string, number> {
  const x = inlier(random);
  return { ...x, c: -(x.c ?? 0), d: -(x.d ?? 0) };
}

async function learnAll(model: DenseAutoencoder, xs: readonly Record<string, number>[]): Promise<void> {
  for (const [i, x] of xs.entries()) {
    model.learnOne(x);
    if (i % 32 === 31) await model.whenIdle();
  }
  await model.whenIdle();
}

// Every test here, the conformance suite's included, runs on the backend initTensorFlow picks.
beforeAll(initTestTensorFlow);

describe('DenseAutoencoder', () => {
  const models: DenseAutoencoder[] = [];
  const make = () => {
    const model = new DenseAutoencoder(params, new ManualClock());
    models.push(model);
    return model;
  };
  afterAll(async () => {
    for (const model of models) await model.dispose();
  });

  it('scores outliers above inliers once trained (ROC AUC near 1)', async () => {
    const model = make();
    const random = createRandom(11);
    await learnAll(
      model,
      Array.from({ length: 2000 }, () => inlier(random)),
    );
    const inliers = Array.from({ length: 100 }, () => model.scoreOne(inlier(random)));
    const outliers = Array.from({ length: 100 }, () => model.scoreOne(outlier(random)));
    let above = 0;
    for (const o of outliers) for (const i of inliers) above += o > i ? 1 : o === i ? 0.5 : 0;
    expect(above / (inliers.length * outliers.length)).toBeGreaterThan(0.95);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    expect(mean(outliers)).toBeGreaterThan(5 * mean(inliers));
  });

  it('scores 0 before training and reconstructs in the features own units', async () => {
    const model = make();
    const random = createRandom(12);
    expect(model.scoreOne({ a: 1 })).toBe(0);
    await learnAll(
      model,
      Array.from({ length: 600 }, () => inlier(random)),
    );
    const x = inlier(random);
    const y = model.transformOne(x);
    expect(Object.keys(y).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(Math.abs((y.b ?? 0) - (x.b ?? 0))).toBeLessThan(5); // b spreads 5 around 40
  });

  it('restores a snapshot (through JSON) into a clone with identical scores', async () => {
    const model = make();
    const random = createRandom(13);
    await learnAll(
      model,
      Array.from({ length: 200 }, () => inlier(random)),
    );
    const snapshot = model.snapshot();
    expect(throughJson(snapshot)).toEqual(snapshot);
    const copy = model.clone();
    models.push(copy);
    copy.restore(throughJson(snapshot));
    const probes = Array.from({ length: 20 }, () => outlier(random));
    expect(probes.map((x) => copy.scoreOne(x))).toEqual(probes.map((x) => model.scoreOne(x)));
  });

  it('leaks no tensors while learning and scoring', async () => {
    const model = make();
    const random = createRandom(14);
    await learnAll(
      model,
      Array.from({ length: 64 }, () => inlier(random)),
    );
    const before = liveTensors();
    await learnAll(
      model,
      Array.from({ length: 256 }, () => inlier(random)),
    );
    for (let i = 0; i < 20; i++) model.transformOne(outlier(random));
    for (let i = 0; i < 20; i++) model.scoreOne(outlier(random));
    expect(liveTensors()).toBe(before);
  });
});

estimatorConformance(denseAutoencoderSpec, () => linearStream({ n: 80 }));
