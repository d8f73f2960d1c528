import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GruForecaster, gruForecasterSpec } from '../../../ml/models/gru-forecaster.ts';
import { createRandom } from '../../../services/common/random.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { estimatorConformance, seasonalStream } from '../support/conformance.ts';
import { initTestTensorFlow, liveTensors, paramsOf, throughJson } from '../tf/tf-test-support.ts';

const STEP_MS = 15 * 60_000; // 96 readings a day
const DAY_MS = 86_400_000;
const params = paramsOf(gruForecasterSpec, {
  everyMs: 0,
  window: 8,
  units: 8,
  stepsPerRound: 4,
  learningRate: 0.02,
  seed: 5,
});

/** A daily sine around 20 (amplitude 5) with N(0, 0.2) noise, at 15-minute steps. */
function dailySine(seed: number, days: number, startDay = 0): Array<{ y: number; ts: number }> {
  const random = createRandom(seed);
  return Array.from({ length: days * 96 }, (_, i) => {
    const ts = startDay * DAY_MS + i * STEP_MS;
    return { y: 20 + 5 * Math.sin((2 * Math.PI * ts) / DAY_MS) + random.normal(0, 0.2), ts };
  });
}

async function learnAll(model: GruForecaster, series: readonly { y: number; ts: number }[]): Promise<void> {
  for (const [i, { y, ts }] of series.entries()) {
    model.learnOne(y, ts);
    if (i % 32 === 31) await model.whenIdle();
  }
  await model.whenIdle();
}

// Every test here, the conformance suite's included, runs on the backend initTensorFlow picks.
beforeAll(initTestTensorFlow);

describe('GruForecaster', () => {
  const models: GruForecaster[] = [];
  const make = () => {
    const model = new GruForecaster(params, new ManualClock());
    models.push(model);
    return model;
  };
  afterAll(async () => {
    for (const model of models) await model.dispose();
  });

  it('forecasts a daily sine 3 hours ahead better than the last value, with calibrated intervals', async () => {
    const model = make();
    await learnAll(model, dailySine(1, 6));
    const test = dailySine(2, 1, 6);
    const horizon = 12;
    let modelError = 0;
    let naiveError = 0;
    let covered = 0;
    let points = 0;
    for (let origin = 0; origin + horizon <= test.length; origin += horizon) {
      const actual = test.slice(origin, origin + horizon);
      const forecast = model.forecast(actual.map((a) => a.ts));
      expect(forecast).toHaveLength(horizon);
      const last = origin === 0 ? 20 : (test[origin - 1]?.y ?? 0);
      actual.forEach((a, k) => {
        const f = forecast[k];
        if (!f) return;
        modelError += Math.abs(f.value - a.y);
        naiveError += Math.abs(last - a.y);
        if (a.y >= f.lower && a.y <= f.upper) covered++;
        points++;
      });
      await learnAll(model, actual);
    }
    expect(modelError / points).toBeLessThan(0.5 * (naiveError / points));
    expect(covered / points).toBeGreaterThan(0.8);
  }, 20_000); // the tfjs GRU takes ~35 ms a step on WASM

  it('is empty before enough learning and refuses time going backwards', () => {
    const model = make();
    expect(model.forecast([0])).toEqual([]);
    model.learnOne(1, 1000);
    expect(() => model.learnOne(2, 1000)).toThrow(/time order/);
  });

  it('restores a snapshot (through JSON) into a clone with identical forecasts', async () => {
    const model = make();
    await learnAll(model, dailySine(3, 1));
    const snapshot = model.snapshot();
    expect(throughJson(snapshot)).toEqual(snapshot);
    const copy = model.clone();
    models.push(copy);
    copy.restore(throughJson(snapshot));
    const next = [1, 2, 3, 4].map((k) => DAY_MS + k * STEP_MS);
    expect(copy.forecast(next)).toEqual(model.forecast(next));
    expect(model.forecast(next)).toHaveLength(4);
  });

  it('leaks no tensors while learning and forecasting', async () => {
    const model = make();
    const series = dailySine(4, 1);
    await learnAll(model, series.slice(0, 64));
    const before = liveTensors();
    await learnAll(model, series.slice(64));
    expect(model.forecast([DAY_MS, DAY_MS + STEP_MS])).toHaveLength(2);
    expect(liveTensors()).toBe(before);
  });
});

estimatorConformance(gruForecasterSpec, () => seasonalStream({ n: 60 }), { params: { window: 8 } });
