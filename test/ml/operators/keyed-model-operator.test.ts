import { describe, expect, it } from 'vitest';
import { holtWintersSpec } from '../../../ml/models/holt-winters.ts';
import { type LinearRegression, linearRegressionSpec } from '../../../ml/models/linear-regression.ts';
import { logisticRegressionSpec } from '../../../ml/models/logistic-regression.ts';
import { passiveAggressiveRegressorSpec } from '../../../ml/models/passive-aggressive-regressor.ts';
import { MODEL_VERSIONS } from '../../../ml/operators/keyed-estimator-operator.ts';
import {
  type KeyedModelMode,
  KeyedModelOperator,
  type KeyedPrediction,
} from '../../../ml/operators/keyed-model-operator.ts';
import { learnAndPredict } from '../../../ml/operators/keyed-models.ts';
import type { ModelChoice } from '../../../ml/operators/model-handle.ts';
import type { ModelVersion } from '../../../ml/operators/model-outputs.ts';
import { createRandom } from '../../../services/common/random.ts';
import { CollectingSink } from '../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../services/engine/api/stream-environment.ts';
import { IncompatibleStateError } from '../../../services/engine/checkpoint/checkpoint-errors.ts';
import type { OperatorSnapshot } from '../../../services/engine/checkpoint/checkpoint-types.ts';
import { resolveKeyGroups } from '../../../services/engine/checkpoint/deferred-key-group.ts';
import { keyGroupOf, keyGroupRange, subtaskOf } from '../../../services/engine/key-groups.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { WatermarkStrategy } from '../../../services/engine/time/watermark-strategy.ts';
import {
  type Emitted,
  OperatorHarness,
  restoredOperator,
  throughCodec,
} from '../../support/operator-harness.ts';

/** One reading of a device: feature `x`, target `y` (absent: unlabelled). */
interface Sample {
  device: string;
  ts: number;
  x: number;
  y?: number;
}

/** Each device's true relation y = a·x + b. */
const RELATIONS: Record<string, { a: number; b: number }> = { d1: { a: 2, b: 1 }, d2: { a: -3, b: 5 } };
const MODEL: ModelChoice = { spec: linearRegressionSpec, params: { learningRate: 0.1 } };

/** `n` samples round-robin over `devices` (default d1, d2), x uniform in [0, 1), seeded. */
function samples(n: number, seed: number, devices = Object.keys(RELATIONS), startTs = 0): Sample[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const device = devices[i % devices.length] ?? 'd1';
    const { a, b } = RELATIONS[device] ?? { a: devices.indexOf(device) - 5, b: 1 };
    const x = random.next();
    return { device, ts: startTs + i * 100, x, y: a * x + b };
  });
}

function operator(mode: KeyedModelMode = 'learn-and-predict', model: ModelChoice = MODEL) {
  return new KeyedModelOperator<Sample, string, number>({
    name: 'fit',
    keySelector: (s) => s.device,
    mode,
    model,
    example: (s) => ({ x: { x: s.x }, y: s.y }),
  });
}

function harness(op = operator(), subtask?: { index: number; parallelism: number }) {
  return new OperatorHarness(op, { uid: 'device-fit', ...(subtask ? { subtask } : {}) });
}

function feed(h: OperatorHarness<Sample, KeyedPrediction<string, number>>, input: readonly Sample[]) {
  for (const s of input) h.element(s, s.ts);
  return h.take();
}

function records<Y extends number | string>(
  out: Emitted<KeyedPrediction<string, Y>>[],
): KeyedPrediction<string, Y>[] {
  return out.flatMap((e) => ('record' in e && !('side' in e) ? [e.record] : []));
}

/** Test-then-train with one standalone model per device: what the operator must emit. */
function prequentialReference(input: readonly Sample[]): KeyedPrediction<string, number>[] {
  const models = new Map<string, LinearRegression>();
  return input.map((s) => {
    const model = models.get(s.device) ?? newReferenceModel();
    models.set(s.device, model);
    const prediction = model.predictOne({ x: s.x });
    if (s.y !== undefined) model.learnOne({ x: s.x }, s.y);
    return { key: s.device, ts: s.ts, prediction, target: s.y, version: 0 };
  });
}

/** A linear regression built as {@link MODEL} says: the spec's defaults, learning rate 0.1. */
function newReferenceModel(): LinearRegression {
  const defaults = Object.fromEntries(
    Object.entries(linearRegressionSpec.params).map(([k, p]) => [k, p.default]),
  );
  return linearRegressionSpec.create({ ...defaults, learningRate: 0.1 }) as LinearRegression;
}

function byKey(predictions: readonly KeyedPrediction<string, number>[]) {
  const groups = new Map<string, KeyedPrediction<string, number>[]>();
  for (const p of predictions) groups.set(p.key, [...(groups.get(p.key) ?? []), p]);
  return groups;
}

describe('KeyedModelOperator: one model per key', () => {
  it('fits each device its own relation (d1: y = 2x + 1, d2: y = -3x + 5)', () => {
    const op = operator();
    feed(harness(op), samples(4_000, 7));
    for (const [device, { a, b }] of Object.entries(RELATIONS)) {
      const model = op.modelOf(device)?.estimator as LinearRegression;
      const { weights, intercept } = model.coefficients();
      expect(weights.x).toBeCloseTo(a, 1);
      expect(intercept).toBeCloseTo(b, 1);
      expect(op.learnedBy(device)).toBe(2_000);
    }
    expect(op.metrics()).toMatchObject({ recordsIn: 4_000, recordsOut: 4_000, stateKeys: 2 });
  });

  it('emits, per record, the prediction made before learning it (prequential)', () => {
    const input = samples(600, 11);
    const out = records(feed(harness(), input));
    expect(out).toEqual(prequentialReference(input));
    // the first record of each device meets an untrained model (linear regression predicts 0)
    expect(out[0]?.prediction).toBe(0);
    expect(out[1]?.prediction).toBe(0);
    // the same record twice: the second prediction has learned it, the first had not
    const h = harness();
    const twice = records(
      feed(h, [
        { device: 'd1', ts: 0, x: 1, y: 3 },
        { device: 'd1', ts: 1, x: 1, y: 3 },
      ]),
    );
    expect(twice[0]?.prediction).toBe(0);
    expect(twice[1]?.prediction).toBeGreaterThan(0);
  });

  it('emits with the record timestamp and passes watermarks through, after the versions they publish', () => {
    const h = harness();
    h.element({ device: 'd1', ts: 500, x: 0.5, y: 2 }, 500).watermark(400);
    const [prediction, version, watermark] = h.take();
    expect(prediction).toEqual({
      record: { key: 'd1', ts: 500, prediction: 0, target: 2, version: 0 },
      timestamp: 500,
    });
    expect(version).toMatchObject({
      side: 'model-versions',
      record: { key: 'd1', version: 1, ts: 500 },
      timestamp: 500,
    });
    expect(watermark).toEqual({ watermark: 400 });
  });

  it('predicts without learning records that have no target', () => {
    const op = operator();
    const input: Sample[] = [...samples(200, 3), { device: 'd1', ts: 99_999, x: 0.5 }];
    const out = records(feed(harness(op), input));
    expect(out.at(-1)).toMatchObject({ key: 'd1', target: undefined });
    expect(op.learnedBy('d1')).toBe(100);
  });

  it('learn emits nothing but model versions and watermarks; predict never learns', () => {
    const learner = operator('learn');
    const h = harness(learner);
    expect(feed(h, samples(100, 5))).toEqual([]);
    expect(
      h
        .watermark(10)
        .take()
        .map((e) => ('side' in e ? e.side : 'watermark' in e ? 'watermark' : 'record')),
    ).toEqual(['model-versions', 'model-versions', 'watermark']);
    expect(learner.learnedBy('d1')).toBe(50);

    const predictor = operator('predict');
    const out = records(feed(harness(predictor), samples(100, 5)));
    expect(out).toHaveLength(100);
    expect(out.every((p) => p.prediction === 0)).toBe(true);
    expect(predictor.learnedBy('d1')).toBe(0);
  });

  it('runs classifiers per key: each device learns its own labelling', () => {
    const op = new KeyedModelOperator<Sample, string, string>({
      name: 'classify',
      keySelector: (s) => s.device,
      mode: 'learn-and-predict',
      model: { spec: logisticRegressionSpec, params: { positiveLabel: 'hot' } },
      // d1 is hot above x = 0.5, d2 below it
      example: (s) => ({ x: { x: s.x - 0.5 }, y: s.x > 0.5 === (s.device === 'd1') ? 'hot' : 'cold' }),
    });
    const h = new OperatorHarness(op);
    for (const s of samples(2_000, 13)) h.element(s, s.ts);
    h.take();
    h.element({ device: 'd1', ts: 1, x: 0.9 }, 1).element({ device: 'd2', ts: 2, x: 0.9 }, 2);
    h.element({ device: 'd1', ts: 3, x: 0.1 }, 3).element({ device: 'd2', ts: 4, x: 0.1 }, 4);
    const predictions = records(h.take()).map((p) => p.prediction);
    expect(predictions).toEqual(['hot', 'cold', 'cold', 'hot']);
  });

  it('refuses models that do not predict per record, and unknown parameters', () => {
    expect(() => operator('learn', { spec: holtWintersSpec })).toThrow(/forecaster/);
    expect(() => operator('learn', { spec: linearRegressionSpec, params: { rate: 1 } })).toThrow(
      /linear-regression has no parameter "rate"; its parameters are: optimizer, learningRate/,
    );
  });
});

describe('KeyedModelOperator: checkpoints', () => {
  const devices = Array.from({ length: 24 }, (_, i) => `device-${i}`);
  const before = samples(1_200, 21, devices);
  const after = samples(1_200, 22, devices, 200_000);
  const later = samples(600, 23, devices, 400_000);

  /** The original operator's snapshot after `before`, and what it emits for `after`, then `later`. */
  function original(): {
    snapshot: OperatorSnapshot;
    after: KeyedPrediction<string, number>[];
    later: KeyedPrediction<string, number>[];
  } {
    const h = harness();
    feed(h, before);
    const snapshot = throughCodec(h.snapshot(1));
    return { snapshot, after: records(feed(h, after)), later: records(feed(h, later)) };
  }

  it('snapshots every key by key group, as JSON-safe model snapshots that later learning does not change', () => {
    const h = harness();
    feed(h, before);
    const deferred = h.deferredSnapshot(1);
    const twin = harness();
    feed(twin, before);
    const frozen = JSON.parse(JSON.stringify([...twin.snapshot(1).keyGroups]));
    feed(h, after);
    const snapshot = { ...deferred, keyGroups: resolveKeyGroups(deferred.keyGroups) };
    expect(JSON.parse(JSON.stringify([...snapshot.keyGroups]))).toEqual(frozen);
    expect(snapshot).toMatchObject({ uid: 'device-fit', kind: 'keyed-model', keys: 24 });
    expect(snapshot.shape).toEqual({
      layout: 1,
      model: 'linear-regression',
      type: 'regressor',
      params: { optimizer: 'sgd', learningRate: 0.1, l2: 0, intercept: true },
    });
    for (const [group, saved] of snapshot.keyGroups) {
      for (const [key] of saved as [string][]) expect(keyGroupOf(key, 128)).toBe(group);
    }
  });

  it('restores into a fresh operator that then predicts exactly as the original', () => {
    const { snapshot, after: expected } = original();
    const restored = harness().restore(restoredOperator([snapshot]));
    expect(records(feed(restored, after))).toEqual(expected);
  });

  it('splits into 3 key-group ranges and merges back, with identical predictions', () => {
    const { snapshot, after: expectedAfter, later: expectedLater } = original();
    const parts = [0, 1, 2].map((index) => {
      const range = keyGroupRange(index, 3, 128);
      return harness(operator(), { index, parallelism: 3 }).restore(restoredOperator([snapshot], range));
    });
    const route = (s: Sample) => subtaskOf(keyGroupOf(s.device, 128), 3, 128);
    const outputs = parts.map((h, index) =>
      records(
        feed(
          h,
          after.filter((s) => route(s) === index),
        ),
      ),
    );
    expect(outputs.every((o) => o.length > 0)).toBe(true);
    expect(byKey(outputs.flat())).toEqual(byKey(expectedAfter));

    const snapshots = parts.map((h, i) => throughCodec(h.snapshot(2 + i)));
    const merged = harness().restore(restoredOperator(snapshots));
    expect(records(feed(merged, later))).toEqual(expectedLater);
  });

  it('fails the restore, naming the operator, when the model or its parameters changed', () => {
    const { snapshot } = original();
    const otherRate = harness(
      operator('learn-and-predict', { spec: linearRegressionSpec, params: { learningRate: 0.2 } }),
    );
    expect(() => otherRate.restore(restoredOperator([snapshot]))).toThrow(IncompatibleStateError);
    expect(() => otherRate.restore(restoredOperator([snapshot]))).toThrow(
      /device-fit.*params\.learningRate/s,
    );
    const otherModel = harness(operator('learn-and-predict', { spec: passiveAggressiveRegressorSpec }));
    expect(() => otherModel.restore(restoredOperator([snapshot]))).toThrow(
      /device-fit.*model: saved "linear-regression"/s,
    );
  });
});

describe('learnAndPredict on a keyed stream (StreamEnvironment job)', () => {
  it('runs per-device prequential models after keyBy', async () => {
    const input = samples(400, 31);
    const env = new StreamEnvironment({ clock: new ManualClock(0) });
    const sink = new CollectingSink<KeyedPrediction<string, number>>('predictions');
    const keyed = env
      .fromSource(
        new CollectionSource(input, { batchSize: 7 }),
        WatermarkStrategy.forBoundedOutOfOrderness<Sample>(0).withTimestampAssigner((s) => s.ts),
      )
      .keyBy((s) => s.device);
    const versions = new CollectingSink<ModelVersion>('versions');
    const predictions = learnAndPredict(keyed, {
      model: MODEL,
      example: (s) => ({ x: { x: s.x }, y: s.y }),
      name: 'fit',
    }).uid('device-fit');
    predictions.sinkTo(sink);
    predictions.getSideOutput(MODEL_VERSIONS).sinkTo(versions);
    const job = await env.start('keyed-models');
    await job.finished;
    // versions move with the watermarks; the predictions are the reference's otherwise
    expect(sink.records.map(({ version: _, ...p }) => p)).toEqual(
      prequentialReference(input).map(({ version: _, ...p }) => p),
    );
    for (const device of ['d1', 'd2']) {
      const published = versions.records.filter((v) => v.key === device).map((v) => v.version);
      expect(published.length).toBeGreaterThan(0);
      expect(published).toEqual(published.map((_, i) => i + 1));
      const used = sink.records.filter((p) => p.key === device).map((p) => p.version);
      expect(used).toEqual([...used].sort((a, b) => a - b));
      expect(used.at(-1)).toBeLessThanOrEqual(published.at(-1)!);
    }
    expect(sink.timestamps).toEqual(input.map((s) => s.ts));
    const metrics = job.metrics().operators.find((o) => o.name === 'fit');
    expect(metrics).toMatchObject({ recordsIn: 400, recordsOut: 400, stateKeys: 2 });
  });
});
