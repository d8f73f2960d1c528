import { describe, expect, it } from 'vitest';
import type { MetricState } from '../../../ml/evaluation/metric.ts';
import type { KeyedPrediction } from '../../../ml/operators/keyed-model-operator.ts';
import type { ModelMetricsReport } from '../../../ml/operators/model-outputs.ts';
import { PrequentialMetricsOperator } from '../../../ml/operators/prequential-metrics-operator.ts';
import { predictionScoring, type Scoring } from '../../../ml/operators/prequential-outcomes.ts';
import { createRandom } from '../../../services/common/random.ts';
import type { Key } from '../../../services/engine/api/functions.ts';
import { IncompatibleStateError } from '../../../services/engine/checkpoint/checkpoint-errors.ts';
import { keyGroupOf, keyGroupRange, subtaskOf } from '../../../services/engine/key-groups.ts';
import { MAX_WATERMARK } from '../../../services/engine/time/watermark.ts';
import {
  type Emitted,
  OperatorHarness,
  restoredOperator,
  throughCodec,
} from '../../support/operator-harness.ts';

type P = KeyedPrediction<string, number | string>;

function operator(
  type: 'regressor' | 'classifier' | 'clusterer' = 'regressor',
  rollingWindow = 2,
  model = 'power',
) {
  const scoring = predictionScoring(type) as Scoring<KeyedPrediction<Key>, MetricState>;
  return new PrequentialMetricsOperator<P, MetricState>({
    name: 'metrics',
    model,
    ...scoring,
    rollingWindow,
    metricsEveryMs: 1_000,
  });
}

const harness = (op = operator(), subtask?: { index: number; parallelism: number }) =>
  new OperatorHarness(op, { uid: 'model-power-metrics', ...(subtask ? { subtask } : {}) });

const p = (key: string, ts: number, target: number | undefined, prediction: number, version = 0): P => ({
  key,
  ts,
  prediction,
  target,
  version,
});

function reports(out: Emitted<ModelMetricsReport>[]): ModelMetricsReport[] {
  return out.flatMap((e) => ('record' in e && !('side' in e) ? [e.record] : []));
}

describe('PrequentialMetricsOperator', () => {
  it('reports cumulative and rolling metrics per key once an interval, only for keys scored since', () => {
    const h = harness();
    h.element(p('d1', 0, 3, 2.5), 0)
      .element(p('d2', 50, 1, 1), 50)
      .element(p('d1', 100, -0.5, 0, 1), 100);
    expect(h.take()).toEqual([]);
    const first = h.watermark(10).take();
    expect(first.at(-1)).toEqual({ watermark: 10 });
    expect(reports(first)).toEqual([
      {
        model: 'power',
        key: 'd1',
        version: 1,
        ts: 100,
        scope: 'cumulative',
        count: 2,
        metrics: { mae: 0.5, rmse: 0.5, r2: 1 - 0.5 / 6.125 },
      },
      {
        model: 'power',
        key: 'd1',
        version: 1,
        ts: 100,
        scope: 'rolling',
        count: 2,
        metrics: { mae: 0.5, rmse: 0.5, r2: 1 - 0.5 / 6.125 },
      },
      {
        model: 'power',
        key: 'd2',
        version: 0,
        ts: 50,
        scope: 'cumulative',
        count: 1,
        metrics: { mae: 0, rmse: 0, r2: 0 },
      },
      {
        model: 'power',
        key: 'd2',
        version: 0,
        ts: 50,
        scope: 'rolling',
        count: 1,
        metrics: { mae: 0, rmse: 0, r2: 0 },
      },
    ]);
    expect(first[0]).toMatchObject({ timestamp: 100 });

    h.element(p('d1', 200, 2, 2, 2), 200).element(p('d2', 210, undefined, 4), 210); // no target: not scored
    // d1 reports once in the next interval, at its own phase (see StaggeredSchedule); d2 scored nothing
    const second: ModelMetricsReport[] = [];
    for (let watermark = 20; watermark <= 1_010; watermark += 10)
      second.push(...reports(h.watermark(watermark).take()));
    expect(second.map((r) => [r.key, r.scope, r.count, r.version, r.ts])).toEqual([
      ['d1', 'cumulative', 3, 2, 200],
      ['d1', 'rolling', 2, 2, 200],
    ]);
    expect(second[0]?.metrics.mae).toBeCloseTo(1 / 3, 15);
    expect(second[1]?.metrics.mae).toBeCloseTo(0.25, 15);
    expect(h.watermark(MAX_WATERMARK).take()).toEqual([{ watermark: MAX_WATERMARK }]);
  });

  it('scores classifiers by accuracy, log loss, F1 and ROC AUC, clusterers by inertia', () => {
    const c = harness(operator('classifier', 10));
    const labelled = (ts: number, target: number, prediction: number | undefined, p1: number): P => ({
      key: 'd1',
      ts,
      prediction,
      target,
      version: 0,
      proba: prediction === undefined ? {} : { '0': 1 - p1, '1': p1 },
    });
    c.element(labelled(0, 1, undefined, 0), 0)
      .element(labelled(1, 1, 1, 0.8), 1)
      .element(labelled(2, 0, 1, 0.6), 2);
    const [cumulative] = reports(c.watermark(5).take());
    expect(cumulative?.metrics).toEqual({
      accuracy: 1 / 3,
      log_loss: expect.closeTo((-Math.log(1e-15) - Math.log(0.8) - Math.log(0.4)) / 3, 10),
      f1: 2 / 4, // tp 1, fp 1, fn 1
      roc_auc: 0.5, // positives 0 and 0.8 against the negative's 0.6
    });

    const k = harness(operator('clusterer', 2));
    for (const [ts, distance] of [
      [0, 1],
      [1, 0.5],
      [2, 2],
    ] as const)
      k.element({ key: 'd1', ts, prediction: 0, target: undefined, version: 0, distance }, ts);
    expect(reports(k.watermark(5).take()).map((r) => [r.scope, r.count, r.metrics])).toEqual([
      ['cumulative', 3, { inertia: 3.5 }],
      ['rolling', 2, { inertia: 2.5 }],
    ]);
  });

  describe('checkpoints', () => {
    const random = createRandom(5);
    const devices = Array.from({ length: 12 }, (_, i) => `device-${i}`);
    const input = Array.from({ length: 600 }, (_, i) =>
      p(devices[i % devices.length]!, i * 10, random.normal(), random.normal(), Math.floor(i / 100)),
    );
    /**
     * Feeds `part` (the records `mine` keeps: a subtask's) with a watermark after every 37th record
     * of the whole stream, and the final watermark when `end`.
     */
    const script = (
      h: OperatorHarness<P, ModelMetricsReport>,
      part: readonly P[],
      end = true,
      mine = (_: P) => true,
    ) => {
      for (const r of part) {
        if (mine(r)) h.element(r, r.ts);
        if (r.ts % 370 === 360) h.watermark(r.ts);
      }
      if (end) h.watermark(MAX_WATERMARK);
      return reports(h.take());
    };
    const byKey = (rs: ModelMetricsReport[]) =>
      [...rs].sort((a, b) => a.key.localeCompare(b.key) || a.ts - b.ts || a.scope.localeCompare(b.scope));

    it('restores into a fresh operator that then reports exactly as the original', () => {
      const original = harness(operator('regressor', 25));
      script(original, input.slice(0, 250), false);
      original.element(input[250]!, input[250]!.ts); // scored, not reported yet
      const snapshot = throughCodec(original.snapshot(1));
      expect(snapshot).toMatchObject({
        kind: 'prequential-metrics',
        keys: 12,
        shape: { model: 'power', metrics: ['mae', 'rmse', 'r2'] },
      });
      const expected = script(original, input.slice(251));
      const restored = harness(operator('regressor', 25)).restore(restoredOperator([snapshot]));
      expect(script(restored, input.slice(251))).toEqual(expected);
      expect(expected.length).toBeGreaterThan(24);
    });

    it('splits into 2 key-group ranges with the same reports, and refuses another model', () => {
      const original = harness(operator('regressor', 25));
      script(original, input.slice(0, 300), false);
      const snapshot = throughCodec(original.snapshot(1));
      const expected = script(original, input.slice(300));
      const route = (r: P) => subtaskOf(keyGroupOf(r.key, 128), 2, 128);
      const split = [0, 1].flatMap((index) => {
        const part = harness(operator('regressor', 25), { index, parallelism: 2 }).restore(
          restoredOperator([snapshot], keyGroupRange(index, 2, 128)),
        );
        return script(part, input.slice(300), true, (r) => route(r) === index);
      });
      expect(byKey(split)).toEqual(byKey(expected));
      expect(expected.length).toBeGreaterThan(24);
      const other = harness(operator('regressor', 25, 'other'));
      expect(() => other.restore(restoredOperator([snapshot]))).toThrow(IncompatibleStateError);
    });
  });
});
