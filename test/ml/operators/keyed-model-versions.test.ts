import { describe, expect, it } from 'vitest';
import { pipelineSpec } from '../../../ml/core/pipeline.ts';
import { linearRegressionSpec } from '../../../ml/models/linear-regression.ts';
import { logisticRegressionSpec } from '../../../ml/models/logistic-regression.ts';
import { OnlineKMeans, onlineKMeansSpec } from '../../../ml/models/online-kmeans.ts';
import { StandardScaler, standardScalerSpec } from '../../../ml/models/standard-scaler.ts';
import { KeyedModelOperator, type KeyedPrediction } from '../../../ml/operators/keyed-model-operator.ts';
import type { ModelChoice } from '../../../ml/operators/model-handle.ts';
import type { ModelVersion } from '../../../ml/operators/model-outputs.ts';
import { MAX_WATERMARK } from '../../../services/engine/time/watermark.ts';
import {
  type Emitted,
  OperatorHarness,
  restoredOperator,
  throughCodec,
} from '../../support/operator-harness.ts';

interface Sample {
  device: string;
  ts: number;
  x: number;
  y?: number;
}

const s = (device: string, ts: number, x: number, y?: number): Sample => ({
  device,
  ts,
  x,
  ...(y === undefined ? {} : { y }),
});

function operator(model: ModelChoice = { spec: linearRegressionSpec, params: { learningRate: 0.1 } }) {
  return new KeyedModelOperator<Sample, string, number>({
    name: 'fit',
    modelName: 'power',
    versionEveryMs: 1_000,
    keySelector: (r) => r.device,
    mode: 'learn-and-predict',
    model,
    example: (r) => ({ x: { x: r.x }, y: r.y }),
  });
}

const harness = (op = operator()) => new OperatorHarness(op, { uid: 'model-power' });

function versions(out: Emitted<unknown>[]): ModelVersion[] {
  return out.flatMap((e) => ('side' in e && e.side === 'model-versions' ? [e.record as ModelVersion] : []));
}

function predictions<Y extends number | string>(out: Emitted<KeyedPrediction<string, Y>>[]) {
  return out.flatMap((e) => ('record' in e && !('side' in e) ? [e.record] : []));
}

describe('KeyedModelOperator: model versions', () => {
  it('publishes a version per key that learned, when a watermark is due, numbered 1, 2, … per key', () => {
    const op = operator();
    const h = harness(op);
    h.element(s('d1', 0, 0.5, 2), 0).element(s('d2', 100, 0.2, 1), 100);
    expect(predictions(h.take()).map((p) => p.version)).toEqual([0, 0]);

    h.watermark(50); // the first watermark is due
    const first = h.take();
    expect(first.at(-1)).toEqual({ watermark: 50 });
    const [v1, v2] = versions(first);
    expect(v1).toEqual({
      model: 'power',
      estimator: 'linear-regression',
      type: 'regressor',
      key: 'd1',
      version: 1,
      ts: 0,
      learned: 1,
      snapshot: op.modelOf('d1')?.estimator.snapshot(),
    });
    expect(v2).toMatchObject({ key: 'd2', version: 1, ts: 100, learned: 1 });
    expect(first[0]).toMatchObject({ side: 'model-versions', timestamp: 0 });

    h.element(s('d1', 200, 0.1, 1), 200).element(s('d1', 150, 0.3), 150); // the second has no target: not learned
    expect(predictions(h.take()).map((p) => p.version)).toEqual([1, 1]);
    expect(h.watermark(900).take()).toEqual([{ watermark: 900 }]); // not due before 50 + 1000
    const second = h.watermark(1_050).take();
    expect(versions(second)).toMatchObject([{ key: 'd1', version: 2, ts: 200, learned: 2 }]); // d2 learned nothing
    expect(h.watermark(5_000).take()).toEqual([{ watermark: 5_000 }]); // due, but nobody learned
    expect(op.versionOf('d1')).toBe(2);

    h.element(s('d2', 5_100, 0.4, 2), 5_100).take();
    expect(versions(h.watermark(5_200).take())).toEqual([]); // not due until 6 000
    expect(versions(h.watermark(MAX_WATERMARK).take())).toMatchObject([{ key: 'd2', version: 2, ts: 5_100 }]); // the end flushes
  });

  it('restores versions and pending updates: a fresh operator continues with identical outputs', () => {
    const script = (h: OperatorHarness<Sample, KeyedPrediction<string, number>>, from: number) => {
      for (let i = from; i < from + 40; i++) {
        h.element(s(`d${i % 3}`, i * 100, (i % 7) / 7, i % 5), i * 100);
        if (i % 4 === 3) h.watermark(i * 100 - 50);
      }
      h.watermark(MAX_WATERMARK);
      return h.take();
    };
    const original = harness();
    for (let i = 0; i < 30; i++) original.element(s(`d${i % 3}`, i * 100, (i % 7) / 7, i % 5), i * 100);
    original.watermark(1_000).element(s('d0', 3_000, 0.5, 1), 3_000); // d0 learned since its version
    original.take();
    const snapshot = throughCodec(original.snapshot(1));
    const expected = script(original, 31);
    const restored = harness().restore(restoredOperator([snapshot]));
    expect(script(restored, 31)).toEqual(expected);
    expect(versions(expected).filter((v) => v.key === 'd0')[0]?.version).toBe(2);
  });
});

describe('KeyedModelOperator: what prequential metrics need', () => {
  it('gives classifiers’ predictions their class probabilities, by label text', () => {
    const op = new KeyedModelOperator<Sample, string, number>({
      name: 'classify',
      keySelector: (r) => r.device,
      mode: 'learn-and-predict',
      model: { spec: logisticRegressionSpec },
      example: (r) => ({ x: { x: r.x }, y: r.y }),
    });
    const h = new OperatorHarness(op);
    for (let i = 0; i < 50; i++) h.element(s('d1', i, i % 2, i % 2), i);
    const out = predictions(h.take());
    expect(out[0]?.proba).toEqual({});
    const last = out.at(-1)!;
    expect(Object.keys(last.proba ?? {}).sort()).toEqual(['0', '1']);
    expect((last.proba?.['0'] ?? 0) + (last.proba?.['1'] ?? 0)).toBeCloseTo(1, 12);
    expect(last.distance).toBeUndefined();
  });

  it('gives k-means’ predictions the squared distance to the assigned centre, also behind a scaler', () => {
    const points = Array.from({ length: 40 }, (_, i) => s('d1', i, (i % 4) * 10 + (i % 3) * 0.1));
    const run = (model: ModelChoice) => {
      const op = new KeyedModelOperator<Sample, string, number>({
        name: 'cluster',
        keySelector: (r) => r.device,
        mode: 'learn-and-predict',
        model,
        example: (r) => ({ x: { x: r.x } }),
      });
      const h = new OperatorHarness(op);
      for (const p of points) h.element(p, p.ts);
      return predictions(h.take());
    };
    const kmeans = { k: 2, globalBatchSize: 8 };
    const plain = run({ spec: onlineKMeansSpec, params: kmeans });
    const reference = new OnlineKMeans(kmeans);
    plain.forEach((p, i) => {
      const x = { x: points[i]!.x };
      expect(p.distance).toBe(reference.inertiaOne(x));
      expect(p.prediction).toBe(reference.predictOne(x));
      reference.learnOne(x);
    });
    expect(plain.some((p) => (p.distance ?? 0) > 0)).toBe(true);

    const scaled = run({
      spec: pipelineSpec(
        standardScalerSpec as typeof standardScalerSpec & { type: 'transformer' },
        onlineKMeansSpec,
      ),
      params: { 'online-kmeans.k': 2, 'online-kmeans.globalBatchSize': 8 },
    });
    const scaler = new StandardScaler();
    const behind = new OnlineKMeans(kmeans);
    scaled.forEach((p, i) => {
      const x = { x: points[i]!.x };
      expect(p.distance).toBe(behind.inertiaOne(scaler.transformOne(x)));
      scaler.learnOne(x);
      behind.learnOne(scaler.transformOne(x));
    });
  });
});
