import { describe, expect, it } from 'vitest';
import { LinearRegression, linearRegressionSpec } from '../../../ml/models/linear-regression.ts';
import { GlobalLearnerOperator } from '../../../ml/operators/global-learner-operator.ts';
import { globalModelConfig } from '../../../ml/operators/global-model-config.ts';
import type { GlobalPartial } from '../../../ml/operators/global-rounds.ts';
import type { KeyedPrediction } from '../../../ml/operators/keyed-model-operator.ts';
import { ModelBroadcast } from '../../../ml/operators/model-broadcast.ts';
import { IncompatibleStateError } from '../../../services/engine/checkpoint/checkpoint-errors.ts';
import {
  type Emitted,
  OperatorHarness,
  restoredOperator,
  throughCodec,
} from '../../support/operator-harness.ts';

interface Reading {
  readonly ts: number;
  readonly x: number;
  readonly y?: number;
}

type Out = KeyedPrediction<'*', number>;
const CONFIG = globalModelConfig(
  'fleet',
  { spec: linearRegressionSpec, params: { learningRate: 0.1 } },
  1000,
);

function harness(
  options: {
    predict?: boolean;
    subtask?: { index: number; parallelism: number };
    broadcast?: ModelBroadcast;
  } = {},
) {
  const op = new GlobalLearnerOperator<Reading, number>({
    name: 'fleet-learn',
    model: CONFIG,
    example: (r) => ({ x: { x: r.x }, y: r.y }),
    predict: options.predict ?? true,
    broadcast: options.broadcast ?? new ModelBroadcast('test/learner'),
  });
  return new OperatorHarness<Reading, Out>(op, {
    uid: 'fleet/learner',
    ...(options.subtask ? { subtask: options.subtask } : {}),
  });
}

const feed = (h: OperatorHarness<Reading, Out>, readings: readonly Reading[]) => {
  for (const r of readings) h.element(r, r.ts);
};
/** The partials (and hellos) among `out`, without their saved partial. */
const partials = (out: Emitted<Out>[]) =>
  out.flatMap((e) => {
    if (!('side' in e)) return [];
    const { partial: _, replica: __, ...rest } = e.record as GlobalPartial;
    return [{ ...rest, timestamp: e.timestamp }];
  });

describe('GlobalLearnerOperator', () => {
  it('a time script: hello, test-then-train predictions, one partial per round before the watermark, late records, heartbeats', () => {
    const h = harness();
    feed(h, [
      { ts: 100, x: 1, y: 3 },
      { ts: 600, x: 2, y: 5 },
      { ts: 1200, x: 1, y: 3 },
    ]);
    h.watermark(999);
    h.watermark(1500); // no round closes
    h.watermark(4999); // closes round [1000, 2000); later ones passed empty
    feed(h, [{ ts: 1500, x: 3, y: 7 }]); // late: into the first round not sent yet, [5000, 6000)
    h.watermark(5999);
    h.watermark(7999); // nothing learned since: a heartbeat for the last round passed
    const out = h.take();
    expect(
      out.map((e) => ('watermark' in e ? `wm ${e.watermark}` : 'side' in e ? 'partial' : 'prediction')),
    ).toEqual([
      'partial', // hello
      'prediction',
      'prediction',
      'prediction',
      'partial',
      'wm 999',
      'wm 1500',
      'partial',
      'wm 4999',
      'prediction',
      'partial',
      'wm 5999',
      'partial',
      'wm 7999',
    ]);
    expect(partials(out)).toEqual([
      { version: 0, subtask: 0, count: 0, timestamp: 100 },
      { version: 0, subtask: 0, end: 1000, count: 2, timestamp: 999 },
      { version: 0, subtask: 0, end: 2000, count: 1, timestamp: 1999 },
      { version: 0, subtask: 0, end: 6000, count: 1, timestamp: 5999 },
      { version: 0, subtask: 0, end: 8000, count: 0, timestamp: 7999 },
    ]);
    const predictions = out.flatMap((e) => ('record' in e && !('side' in e) ? [e.record] : []));
    expect(predictions[0]).toEqual({ key: '*', ts: 100, prediction: 0, target: 3, version: 0 });
  });

  it('predicts with each newer version it receives (and ignores older ones)', () => {
    const broadcast = new ModelBroadcast('test/learner-versions');
    const h = harness({ broadcast });
    feed(h, [{ ts: 100, x: 1, y: 3 }]);
    const id = (h.take().find((e) => 'side' in e)!.record as GlobalPartial).replica;
    const model = new LinearRegression({ learningRate: 0.1 });
    model.applyMeanGradients([['x', -10]], -10); // w = 1, b = 1
    broadcast.publish({ version: 2, snapshot: model.snapshot() }, [id]);
    broadcast.publish({ version: 1, snapshot: new LinearRegression({ learningRate: 0.1 }).snapshot() }, [id]);
    feed(h, [{ ts: 200, x: 2 }]);
    const [prediction] = h.take().flatMap((e) => ('record' in e && !('side' in e) ? [e.record] : []));
    expect(prediction).toEqual({ key: '*', ts: 200, prediction: 3, target: undefined, version: 2 });
  });

  it('learnGlobal: emits no predictions, only partials', () => {
    const h = harness({ predict: false });
    feed(h, [{ ts: 100, x: 1, y: 3 }]);
    h.watermark(999);
    expect(h.take().filter((e) => 'record' in e && !('side' in e))).toEqual([]);
  });

  it('restores its replica and pending partials; at another parallelism subtask i takes old subtasks j ≡ i (mod P), the newest replica of all', () => {
    const broadcast = new ModelBroadcast('test/learner-restore');
    const old = [0, 1, 2].map((index) => harness({ subtask: { index, parallelism: 3 }, broadcast }));
    for (const [i, h] of old.entries()) {
      feed(
        h,
        Array.from({ length: i + 1 }, (_, k) => ({ ts: 100 * k, x: k, y: 2 * k })),
      );
    }
    const ids = old.map((h) => (h.take().find((e) => 'side' in e)!.record as GlobalPartial).replica);
    const model = new LinearRegression({ learningRate: 0.1 });
    broadcast.publish({ version: 4, snapshot: model.snapshot() }, [ids[1]!]); // only old subtask 1 has v4
    const snapshots = old.map((h, i) => throughCodec(h.snapshot(i + 1)));

    const restored = [0, 1].map((index) =>
      harness({ subtask: { index, parallelism: 2 } }).restore(restoredOperator(snapshots)),
    );
    const counts = restored.map((h) => {
      h.watermark(999);
      return partials(h.take())
        .filter((p) => p.end === 1000)
        .map((p) => p.count);
    });
    expect(counts).toEqual([[1 + 3], [2]]); // old 0 and 2 into new 0, old 1 into new 1: 6 records, none lost
    for (const h of restored) expect((h.operator as GlobalLearnerOperator<Reading, number>).version).toBe(4);
    for (const h of [...old, ...restored]) void h.operator.close(); // their broadcast channels
  });

  it('refuses a checkpoint of another model or other hyperparameters, naming the operator', () => {
    const h = harness();
    feed(h, [{ ts: 100, x: 1, y: 3 }]);
    const snapshot = throughCodec(h.snapshot(1));
    const other = new OperatorHarness(
      new GlobalLearnerOperator<Reading, number>({
        name: 'fleet-learn',
        model: globalModelConfig(
          'fleet',
          { spec: linearRegressionSpec, params: { learningRate: 0.5 } },
          1000,
        ),
        example: (r) => ({ x: { x: r.x }, y: r.y }),
        predict: true,
        broadcast: new ModelBroadcast('test/other'),
      }),
      { uid: 'fleet/learner' },
    );
    expect(() => other.restore(restoredOperator([snapshot]))).toThrow(IncompatibleStateError);
    expect(() => other.restore(restoredOperator([snapshot]))).toThrow(/fleet\/learner/);
  });
});
