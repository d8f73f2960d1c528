import type {
  Classifier,
  Clusterer,
  Forecaster,
  OnlineEstimator,
  Regressor,
} from '../../../ml/core/estimator.ts';
import type { ModelSpec } from '../../../ml/core/model-spec.ts';
import { pipelineSpec } from '../../../ml/core/pipeline.ts';
import { findModelSpec } from '../../../ml/models/registry.ts';
import { standardScalerSpec } from '../../../ml/models/standard-scaler.ts';
import type { ModelVersion } from '../../../ml/operators/model-outputs.ts';
import { blobsStream, linearStream } from '../support/streams.ts';

const HOUR = 3_600_000;
/** Where the forecast series starts (epoch ms). */
export const SERIES_START = 1_700_000_000_000 - (1_700_000_000_000 % 86_400_000);

/** A spec's estimator with the spec's defaults overlaid by `params`. */
export function build(
  spec: ModelSpec,
  params: Record<string, number | boolean | string> = {},
): OnlineEstimator {
  const full: Record<string, number | boolean | string> = {};
  for (const [name, p] of Object.entries(spec.params)) full[name] = p.default;
  return spec.create({ ...full, ...params });
}

/** The version record a job would publish for `estimator` as it is now. */
export function versionOf(
  estimator: OnlineEstimator,
  fields: {
    model: string;
    estimator: string;
    type: ModelVersion['type'];
    key: string;
    version: number;
    learned: number;
    ts?: number;
  },
): ModelVersion {
  return {
    ...fields,
    ts: fields.ts ?? 1_700_000_000_000 + fields.version * 60_000,
    snapshot: estimator.snapshot(),
  };
}

/** A linear regression (as a `model`'s `key`) after learning `n` examples of a linear stream. */
export function trainedRegressor(n = 200, seed = 1): Regressor {
  const model = build(findModelSpec('linear-regression'), { learningRate: 0.05 }) as Regressor;
  for (const e of linearStream({ n, seed })) model.learnOne(e.x, e.y as number);
  return model;
}

/** `standard-scaler | linear-regression` after learning a linear stream with large offsets. */
export function trainedPipeline(n = 200): Regressor {
  const spec = pipelineSpec(
    standardScalerSpec as typeof standardScalerSpec & { type: 'transformer' },
    findModelSpec('linear-regression'),
  );
  const model = build(spec) as Regressor;
  for (const e of linearStream({ n, seed: 4 })) {
    model.learnOne({ x0: 100 + e.x.x0!, x1: -50 + e.x.x1!, x2: e.x.x2! }, e.y as number);
  }
  return model;
}

export function trainedClassifier(n = 200): Classifier {
  const model = build(findModelSpec('gaussian-naive-bayes')) as Classifier;
  for (const e of blobsStream({ n, labels: ['idle', 'running'] })) model.learnOne(e.x, e.y!);
  return model;
}

export function trainedClusterer(n = 200): Clusterer {
  const model = build(findModelSpec('online-kmeans'), { k: 2 }) as Clusterer;
  for (const e of blobsStream({ n })) model.learnOne(e.x);
  return model;
}

/** Holt-Winters on hourly buckets of a daily sine, three days of hourly readings from {@link SERIES_START}. */
export function trainedForecaster(hours = 72): Forecaster {
  const model = build(findModelSpec('holt-winters'), { stepMs: HOUR }) as Forecaster;
  for (let i = 0; i < hours; i++) {
    model.learnOne(20 + 3 * Math.sin((2 * Math.PI * i) / 24) + 0.1 * Math.cos(i), SERIES_START + i * HOUR);
  }
  return model;
}

/** `count` hourly timestamps after `hours` hours of {@link trainedForecaster}'s series. */
export function forecastTimes(hours = 72, count = 6): number[] {
  return Array.from({ length: count }, (_, i) => SERIES_START + (hours + i) * HOUR);
}
