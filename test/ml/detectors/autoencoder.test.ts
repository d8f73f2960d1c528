import { afterAll, describe, expect, it } from 'vitest';
import type { Features } from '../../../ml/core/features.ts';
import { AutoencoderDetector } from '../../../ml/detectors/autoencoder.ts';
import { loadAutoencoderModel, loadedAutoencoderModel } from '../../../ml/detectors/autoencoder-model.ts';
import { createRandom } from '../../../services/common/random.ts';
import { rocAucOf, scoreStreamSettled } from './support/score-stream.ts';

/** Rows near a 2-d plane in 4-d (c = a + b, d = a - b); anomalies break it, each value in range. */
function row(random: ReturnType<typeof createRandom>, broken: boolean): Features {
  const a = random.normal();
  const b = random.normal();
  const sign = broken ? -1 : 1;
  return {
    a: 20 + a,
    b: 40 + 5 * b,
    c: sign * (a + b) + random.normal(0, 0.05),
    d: sign * (a - b) + random.normal(0, 0.05),
  };
}

const detectors: AutoencoderDetector[] = [];
const make = (params: ConstructorParameters<typeof AutoencoderDetector>[0]) => {
  const d = new AutoencoderDetector({ everyMs: 0, everySamples: 16, ...params });
  detectors.push(d);
  return d;
};

afterAll(async () => {
  for (const d of detectors) await d.dispose();
});

describe('AutoencoderDetector', () => {
  it('built while TensorFlow.js loads, keeps its records and hands them to the network once built', async () => {
    expect(loadedAutoencoderModel()).toBeUndefined();
    const random = createRandom(1);
    const rows = Array.from({ length: 100 }, () => row(random, false));
    const early = make({});
    rows.forEach((x, i) => {
      early.learnOne(x, i);
    });
    const waiting = early.snapshot().state as { model: unknown; rows: Features[] };
    expect(waiting.model).toBeNull();
    expect(waiting.rows).toEqual(rows);
    expect(early.explainOne(rows[0]!, 100)).toEqual({
      score: 0,
      reason: 'warming up (TensorFlow.js is loading)',
    });
    await early.whenIdle();
    const late = make({});
    rows.forEach((x, i) => {
      late.learnOne(x, i);
    });
    await late.whenIdle();
    expect(early.snapshot()).toEqual(late.snapshot());
  });

  it('once trained, ranks planted anomalies above normal rows (ROC AUC > 0.8)', async () => {
    await loadAutoencoderModel();
    const d = make({ warmup: 30, window: 200 });
    const random = createRandom(2);
    const training = Array.from({ length: 1500 }, (_, i) => ({
      x: row(random, false),
      ts: i,
      label: 0 as const,
    }));
    await scoreStreamSettled(d, training, 16);
    const test = Array.from({ length: 600 }, (_, i) => {
      const broken = random.chance(0.05);
      return { x: row(random, broken), ts: 1500 + i, label: broken ? (1 as const) : (0 as const) };
    });
    const scores = await scoreStreamSettled(d, test, 16);
    expect(rocAucOf(scores, test)).toBeGreaterThan(0.8);
    const planted = test.findIndex((r) => r.label === 1);
    expect(scores[planted]).toBeGreaterThan(0.5);
    expect(d.explainOne(test[planted]!.x, 2100).reason).toMatch(
      /^reconstruction error \S+ is \S+× its median \S+ \(\S+ robust std on a log scale, last 200 records\)$/,
    );
  });

  it('scores 0 until the network trained a round and warmup errors are known', async () => {
    await loadAutoencoderModel();
    const d = make({ warmup: 5 });
    const random = createRandom(3);
    const x = row(random, false);
    expect(d.explainOne(x, 0)).toEqual({ score: 0, reason: 'warming up (the network has not trained yet)' });
    for (let i = 0; i < 16; i++) d.learnOne(row(random, false), i);
    await d.whenIdle();
    expect(d.explainOne(x, 16)).toEqual({
      score: 0,
      reason: 'warming up (0 of 5 reconstruction errors learned)',
    });
    expect(d.scoreOne({}, 16)).toBe(0);
  });
});
