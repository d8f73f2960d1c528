import { describe, expect, it } from 'vitest';
import type { Forecaster } from '../../../ml/core/estimator.ts';
import { holtWintersSpec } from '../../../ml/models/holt-winters.ts';
import { linearRegressionSpec } from '../../../ml/models/linear-regression.ts';
import { MODEL_VERSIONS } from '../../../ml/operators/keyed-estimator-operator.ts';
import { type KeyedForecast, KeyedForecastOperator } from '../../../ml/operators/keyed-forecast-operator.ts';
import { learnAndForecast } from '../../../ml/operators/keyed-models.ts';
import { fullModelParams, type ModelChoice } from '../../../ml/operators/model-handle.ts';
import type { ModelVersion } from '../../../ml/operators/model-outputs.ts';
import { CollectingSink } from '../../../services/engine/api/sinks/collecting-sink.ts';
import { CollectionSource } from '../../../services/engine/api/sources/collection-source.ts';
import { StreamEnvironment } from '../../../services/engine/api/stream-environment.ts';
import { IncompatibleStateError } from '../../../services/engine/checkpoint/checkpoint-errors.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { MAX_WATERMARK } from '../../../services/engine/time/watermark.ts';
import { WatermarkStrategy } from '../../../services/engine/time/watermark-strategy.ts';
import {
  type Emitted,
  OperatorHarness,
  restoredOperator,
  throughCodec,
} from '../../support/operator-harness.ts';

interface Point {
  series: string;
  ts: number;
  value: number;
}

/** Seasonal series, one reading a second, a 4 s season, per series an offset. */
function points(n: number, series = ['a/t', 'b/t'], from = 0): Point[] {
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    const s = series[k % series.length]!;
    const t = Math.floor(k / series.length);
    return {
      series: s,
      ts: t * 1_000,
      value: (s === 'a/t' ? 20 : 5) + Math.sin((2 * Math.PI * t) / 4) + (k % 3) * 0.01,
    };
  });
}

const MODEL: ModelChoice = {
  spec: holtWintersSpec,
  params: { stepMs: 1_000, seasonMs: 4_000, initSeasons: 1 },
};

function operator(model = MODEL) {
  return new KeyedForecastOperator<Point, string>({
    name: 'forecast',
    modelName: 'temperature',
    versionEveryMs: 10_000,
    keySelector: (p) => p.series,
    model,
    value: (p) => p.value,
    coverage: 0.9,
  });
}

const harness = (op = operator()) => new OperatorHarness(op, { uid: 'model-temperature' });

function forecasts(out: Emitted<KeyedForecast<string>>[]): KeyedForecast<string>[] {
  return out.flatMap((e) => ('record' in e && !('side' in e) ? [e.record] : []));
}

/** Test-then-train with one Holt-Winters per series: what the operator must emit (before any version). */
function reference(input: readonly Point[]): Omit<KeyedForecast<string>, 'version'>[] {
  const models = new Map<string, Forecaster>();
  const out: Omit<KeyedForecast<string>, 'version'>[] = [];
  for (const p of input) {
    let model = models.get(p.series);
    if (!model) {
      model = holtWintersSpec.create(fullModelParams(MODEL)) as Forecaster;
      models.set(p.series, model);
    }
    const [f] = model.forecast([p.ts], 0.9);
    if (f)
      out.push({
        key: p.series,
        ts: p.ts,
        value: p.value,
        expected: f.value,
        lower: f.lower,
        upper: f.upper,
      });
    model.learnOne(p.value, p.ts);
  }
  return out;
}

describe('KeyedForecastOperator', () => {
  it('forecasts each record’s time before learning it, once the series’ model can', () => {
    const input = points(80);
    const h = harness();
    for (const p of input) h.element(p, p.ts);
    const out = forecasts(h.take());
    expect(out.length).toBeGreaterThan(40);
    expect(out.length).toBeLessThan(80); // nothing before the first season was learned
    expect(out.map(({ version: _, ...f }) => f)).toEqual(reference(input));
    expect(out.every((f) => f.lower < f.expected && f.expected < f.upper && f.version === 0)).toBe(true);
  });

  it('learns a series in time order only: an older record is forecast but not learned', () => {
    const op = operator();
    const h = harness(op);
    for (const p of points(40, ['a/t'])) h.element(p, p.ts);
    h.take();
    h.element({ series: 'a/t', ts: 10_500, value: 100 }, 10_500);
    expect(forecasts(h.take())).toHaveLength(1);
    expect(op.learnedBy('a/t')).toBe(40);
  });

  it('publishes versions of the series that learned, and stamps forecasts with them', () => {
    const op = operator();
    const h = harness(op);
    for (const p of points(40)) h.element(p, p.ts);
    h.watermark(19_000);
    const out = h.take();
    const published = out.flatMap((e) => ('side' in e ? [e.record as ModelVersion] : []));
    expect(published).toEqual([
      expect.objectContaining({
        model: 'temperature',
        estimator: 'holt-winters',
        type: 'forecaster',
        key: 'a/t',
        version: 1,
        ts: 19_000,
        learned: 20,
      }),
      expect.objectContaining({ key: 'b/t', version: 1, ts: 19_000, learned: 20 }),
    ]);
    expect(published[0]?.snapshot).toEqual(op.modelOf('a/t')?.estimator.snapshot());
    for (const p of points(4, ['a/t'], 20)) h.element({ ...p, ts: p.ts + 20_000 }, p.ts + 20_000);
    expect(forecasts(h.take()).map((f) => f.version)).toEqual([1, 1, 1, 1]);
  });

  it('restores from a checkpoint into a fresh operator that continues identically, versions included', () => {
    const input = points(120);
    const script = (h: OperatorHarness<Point, KeyedForecast<string>>, part: readonly Point[]) => {
      part.forEach((p, i) => {
        h.element(p, p.ts);
        if (i % 10 === 9) h.watermark(p.ts - 2_000);
      });
      return h.take();
    };
    const original = harness();
    script(original, input.slice(0, 50));
    const snapshot = throughCodec(original.snapshot(1));
    const expected = [...script(original, input.slice(50)), ...original.watermark(MAX_WATERMARK).take()];
    const restored = harness().restore(restoredOperator([snapshot]));
    expect([...script(restored, input.slice(50)), ...restored.watermark(MAX_WATERMARK).take()]).toEqual(
      expected,
    );
    expect(expected.some((e) => 'side' in e)).toBe(true);
  });

  it('refuses models that are not forecasters, and a checkpoint of other hyperparameters', () => {
    expect(() => operator({ spec: linearRegressionSpec })).toThrow(
      /linear-regression is a regressor: per-key forecast operators take forecasters/,
    );
    const h = harness();
    h.element(points(1)[0]!, 0);
    const snapshot = h.snapshot(1);
    const other = harness(operator({ spec: holtWintersSpec, params: { stepMs: 2_000, seasonMs: 4_000 } }));
    expect(() => other.restore(restoredOperator([snapshot]))).toThrow(IncompatibleStateError);
  });
});

describe('learnAndForecast (StreamEnvironment job)', () => {
  it('forecasts per series after keyBy, versions on the side output', async () => {
    const input = points(60);
    const env = new StreamEnvironment({ clock: new ManualClock(0) });
    const sink = new CollectingSink<KeyedForecast<string>>('forecasts');
    const versions = new CollectingSink<ModelVersion>('versions');
    const keyed = env
      .fromSource(
        new CollectionSource(input, { batchSize: 5 }),
        WatermarkStrategy.forBoundedOutOfOrderness<Point>(0).withTimestampAssigner((p) => p.ts),
      )
      .keyBy((p) => p.series);
    const out = learnAndForecast(keyed, {
      model: MODEL,
      value: (p) => p.value,
      coverage: 0.9,
      name: 'forecast',
    }).uid('model-temperature');
    out.sinkTo(sink);
    out.getSideOutput(MODEL_VERSIONS).sinkTo(versions);
    const job = await env.start('forecasts');
    await job.finished;
    expect(sink.records.map(({ version: _, ...f }) => f)).toEqual(reference(input));
    expect(versions.records.filter((v) => v.key === 'a/t').at(-1)).toMatchObject({ learned: 30, ts: 29_000 });
  });
});
