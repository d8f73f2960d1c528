import type { ModelSpec } from '../../ml/core/model-spec.ts';
import { DenseAutoencoder, denseAutoencoderSpec } from '../../ml/models/dense-autoencoder.ts';
import { GruForecaster, gruForecasterSpec } from '../../ml/models/gru-forecaster.ts';
import { MlpRegressor, mlpRegressorSpec } from '../../ml/models/mlp-regressor.ts';
import { initTensorFlow } from '../../ml/tf/backend.ts';
import type { TrainsInBackground } from '../../ml/tf/background-training.ts';
import { silentLogger } from '../../services/common/logger.ts';
import { createRandom } from '../../services/common/random.ts';
import { ManualClock } from '../../services/engine/time/clock.ts';
import { type Scenario, timed } from '../scenario.ts';

const BATCH = 32;

interface Bench {
  readonly model: TrainsInBackground;
  /** Learns sample `i` (synthetic, seeded). */
  learn(i: number): void;
  /** One prediction (per-record serving cost). */
  predict(i: number): void;
}

function defaults(spec: ModelSpec): Record<string, number | boolean | string> {
  const params: Record<string, number | boolean | string> = {};
  for (const [name, param] of Object.entries(spec.params)) params[name] = param.default;
  // A round per micro-batch, one optimizer step each: every sample is trained on about once.
  return { ...params, everyMs: 0, everySamples: BATCH, batchSize: BATCH, stepsPerRound: 1 };
}

const MODELS: Record<string, () => Bench> = {
  'mlp-regressor': () => {
    const model = new MlpRegressor(defaults(mlpRegressorSpec), new ManualClock());
    const random = createRandom(1);
    const x = () => ({ a: random.normal(), b: random.normal(), c: random.normal(), d: random.normal() });
    return {
      model,
      learn: () => {
        const f = x();
        model.learnOne(f, 2 * f.a - f.b);
      },
      predict: () => model.predictOne(x()),
    };
  },
  'dense-autoencoder': () => {
    const model = new DenseAutoencoder(defaults(denseAutoencoderSpec), new ManualClock());
    const random = createRandom(2);
    const x = () => ({ a: random.normal(), b: random.normal(), c: random.normal(), d: random.normal() });
    return { model, learn: () => model.learnOne(x()), predict: () => model.scoreOne(x()) };
  },
  'gru-forecaster': () => {
    const model = new GruForecaster(defaults(gruForecasterSpec), new ManualClock());
    const step = 15 * 60_000;
    const y = (i: number) => 20 + 5 * Math.sin((2 * Math.PI * i) / 96);
    let last = 0;
    return {
      model,
      learn: (i) => {
        last = i;
        model.learnOne(y(i), i * step);
      },
      predict: () => model.forecast([(last + 1) * step]),
    };
  },
};

/** Feeds `count` samples, letting every micro-batch round finish before the next batch (training keeps up). */
async function feed(bench: Bench, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    bench.learn(i);
    if ((i + 1) % BATCH === 0) await bench.model.whenIdle();
  }
  bench.model.flush();
  await bench.model.whenIdle();
}

/**
 * TensorFlow.js micro-batch training throughput of one neural model at its default size: samples
 * learned and trained on per second (a round of one optimizer step per 32 samples), with the
 * backend named, the cost of `learnOne` alone (the per-record path) and of one prediction.
 */
export function mlTfMicroBatch(modelName: keyof typeof MODELS & string, samples: number): Scenario {
  return {
    name: `ml-tf-micro-batch-${modelName}`,
    description: `${modelName}: ${samples} samples, micro-batches of ${BATCH}, default size, one Adam step per batch`,
    async run() {
      const { backend } = await initTensorFlow({ logger: silentLogger });
      const make = MODELS[modelName];
      if (!make) throw new Error(`unknown model ${modelName}`);
      const bench = make();
      await feed(bench, 0, 10 * BATCH); // warm-up: kernels compiled, optimizer state made
      const trained = await timed(() => feed(bench, 10 * BATCH, samples));
      const samplesPerSec = samples / trained.seconds;

      // The per-record path alone: learnOne with training deferred (no await in the loop).
      const appendCount = 20_000;
      const append = await timed(() => {
        for (let i = 0; i < appendCount; i++) bench.learn(10 * BATCH + samples + i);
      });
      await bench.model.whenIdle();
      const predictCount = 200;
      const predict = await timed(() => {
        for (let i = 0; i < predictCount; i++) bench.predict(i);
      });
      await bench.model.dispose();
      return {
        eventsPerSec: samplesPerSec,
        details: {
          backend,
          samplesPerSec: Math.round(samplesPerSec),
          msPerStep: Number(((1000 * trained.seconds * BATCH) / samples).toFixed(2)),
          learnOneUs: Number(((1e6 * append.seconds) / appendCount).toFixed(2)),
          predictUs: Math.round((1e6 * predict.seconds) / predictCount),
        },
      };
    },
  };
}

/** The three neural models' scenarios. */
export function mlTfMicroBatchScenarios(): Scenario[] {
  return [
    mlTfMicroBatch('mlp-regressor', 20_000),
    mlTfMicroBatch('dense-autoencoder', 20_000),
    mlTfMicroBatch('gru-forecaster', 3_000),
  ];
}
