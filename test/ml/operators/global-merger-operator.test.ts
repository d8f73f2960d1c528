import { describe, expect, it } from 'vitest';
import type { EstimatorSnapshot } from '../../../ml/core/estimator.ts';
import { GaussianNaiveBayes, gaussianNaiveBayesSpec } from '../../../ml/models/gaussian-naive-bayes.ts';
import { GlobalMergerOperator } from '../../../ml/operators/global-merger-operator.ts';
import { globalModelConfig } from '../../../ml/operators/global-model-config.ts';
import type { GlobalPartial } from '../../../ml/operators/global-rounds.ts';
import { type BroadcastModel, ModelBroadcast } from '../../../ml/operators/model-broadcast.ts';
import type { ModelVersion } from '../../../ml/operators/model-outputs.ts';
import { keyGroupOf, keyGroupRange, subtaskOf } from '../../../services/engine/key-groups.ts';
import {
  type Emitted,
  OperatorHarness,
  restoredOperator,
  throughCodec,
} from '../../support/operator-harness.ts';

const CONFIG = globalModelConfig('fleet', { spec: gaussianNaiveBayesSpec }, 1000);

/** A saved partial: naive Bayes that learned `examples`. */
function nb(...examples: [number, string][]): EstimatorSnapshot {
  const model = new GaussianNaiveBayes();
  for (const [x, y] of examples) model.learnOne({ x }, y);
  return model.snapshot();
}

function partial(
  subtask: number,
  end: number | undefined,
  examples: [number, string][] = [],
  version = 0,
): GlobalPartial {
  const base = { replica: `r${subtask}`, version, subtask, count: examples.length };
  if (end === undefined) return base;
  return examples.length > 0 ? { ...base, end, partial: nb(...examples) } : { ...base, end };
}

function harness(
  broadcast = new ModelBroadcast('test/merger'),
  subtask?: { index: number; parallelism: number },
) {
  return new OperatorHarness<GlobalPartial, ModelVersion>(
    new GlobalMergerOperator({ name: 'fleet-merge', model: CONFIG, broadcast }),
    { uid: 'fleet/merger', ...(subtask ? { subtask } : {}) },
  );
}

/** Joins fake replicas r0, r1, ... to `broadcast`; returns what each received. */
function replicas(broadcast: ModelBroadcast, n: number): BroadcastModel[][] {
  return Array.from({ length: n }, (_, i) => {
    const got: BroadcastModel[] = [];
    broadcast.join(`r${i}`, (model) => got.push(model), false);
    return got;
  });
}

const versions = (out: Emitted<ModelVersion>[]) =>
  out.flatMap((e) => ('record' in e && !('side' in e) ? [{ ...e.record, emittedAt: e.timestamp }] : []));

describe('GlobalMergerOperator', () => {
  it('merges a round once its watermark passes the end, emits a version and sends it to every replica', () => {
    const broadcast = new ModelBroadcast('test/merger-rounds');
    const received = replicas(broadcast, 2);
    const h = harness(broadcast);
    h.element(partial(0, undefined), 0).element(partial(1, undefined), 0); // hellos
    h.element(partial(1, 1000, [[6, 'b']]), 999).element(
      partial(0, 1000, [
        [1, 'a'],
        [3, 'a'],
      ]),
      999,
    );
    h.element(partial(0, 2000, [[8, 'b']]), 1999); // the next round, already here
    h.watermark(998);
    expect(versions(h.take())).toEqual([]);
    h.watermark(999);
    const [v1] = versions(h.take());
    expect(v1).toMatchObject({
      model: 'fleet',
      estimator: 'gaussian-naive-bayes',
      type: 'classifier',
      key: '*',
      version: 1,
      ts: 999,
      emittedAt: 999,
      learned: 3,
    });
    // merged in subtask order whatever the arrival order: class 'a' (subtask 0) before 'b'
    const classes = (v1!.snapshot.state as { classes: { label: string; count: number }[] }).classes;
    expect(classes.map((c) => [c.label, c.count])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(received.map((got) => got.map((m) => m.version))).toEqual([[1], [1]]);
    h.watermark(5000); // round 2000, then nothing in the empty rounds after it
    expect(versions(h.take()).map((v) => [v.version, v.ts, v.learned])).toEqual([[2, 1999, 4]]);
    expect(received.map((got) => got.map((m) => m.version))).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it('sends the current model once to a replica that reports an older version', () => {
    const broadcast = new ModelBroadcast('test/merger-resend');
    const [, , late] = replicas(broadcast, 3);
    const h = harness(broadcast);
    h.element(partial(0, 1000, [[1, 'a']]), 999).watermark(999);
    h.element(partial(2, undefined), 1000); // a replica at version 0 says hello
    h.element(partial(2, 2000), 1999); // and reports version 0 again: not sent twice
    expect(late!.map((m) => m.version)).toEqual([1]);
  });

  it('puts a partial of a round already merged into the next round', () => {
    const h = harness();
    h.element(partial(0, 1000, [[1, 'a']]), 999).watermark(1500);
    h.element(partial(1, 1000, [[2, 'a']]), 999); // after its round closed
    h.watermark(1999);
    expect(versions(h.take()).map((v) => [v.version, v.ts, v.learned])).toEqual([
      [1, 999, 1],
      [2, 1999, 2],
    ]);
  });

  it('checkpoints the model, version and open rounds under the key group of "*", and restores them', () => {
    const h = harness();
    h.element(partial(0, 1000, [[1, 'a']]), 999).watermark(999);
    h.element(partial(0, 2000, [[5, 'b']]), 1999);
    const snapshot = throughCodec(h.snapshot(1));
    const group = keyGroupOf('*', 128);
    expect([...snapshot.keyGroups.keys()]).toEqual([group]);
    expect(snapshot).toMatchObject({ uid: 'fleet/merger', kind: 'global-model-merger', keys: 1 });
    h.take();
    h.watermark(1999);
    const uninterrupted = versions(h.take());

    const owner = subtaskOf(group, 3, 128);
    for (const index of [0, 1, 2]) {
      const r = harness(undefined, { index, parallelism: 3 });
      r.restore(restoredOperator([snapshot], keyGroupRange(index, 3, 128)));
      const op = r.operator as GlobalMergerOperator;
      expect(op.current().version).toBe(index === owner ? 1 : 0);
      void op.close(); // its broadcast channel
      if (index !== owner) continue;
      r.watermark(1999);
      expect(versions(r.take())).toEqual(uninterrupted);
    }
  });
});
