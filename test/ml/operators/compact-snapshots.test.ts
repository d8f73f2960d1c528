import { describe, expect, it } from 'vitest';
import type { EstimatorSnapshot } from '../../../ml/core/estimator.ts';
import type { DetectOperator } from '../../../ml/operators/detect-operator.ts';
import type { KeyedForecastOperator } from '../../../ml/operators/keyed-forecast-operator.ts';
import type { OperatorSnapshot } from '../../../services/engine/checkpoint/checkpoint-types.ts';
import { OperatorHarness, restoredOperator, throughCodec } from '../../support/operator-harness.ts';
import { PER_KEY_OPERATOR_CASES, type Rec, rec } from './support/per-key-operator-cases.ts';

/**
 * Per-key estimators are saved compact (without the kind, version and parameters every key shares,
 * see `SnapshotTemplate`). Checkpoints written before, with whole snapshots and no
 * `estimatorFormat`, still restore; one written with another format is refused.
 */
interface CompactCase {
  readonly name: string;
  /** Where a key's estimator snapshot is in its saved tuple. */
  readonly at: number;
  /** The live estimator of `key`'s whole snapshot. */
  whole(op: unknown, key: string): EstimatorSnapshot;
}

const COMPACT: readonly CompactCase[] = [
  {
    name: 'DetectOperator',
    at: 3,
    whole: (op, key) => (op as DetectOperator<Rec>).detectorOf(key)!.snapshot(),
  },
  {
    name: 'KeyedForecastOperator',
    at: 1,
    whole: (op, key) => (op as KeyedForecastOperator<Rec, string>).modelOf(key)!.estimator.snapshot(),
  },
];

const KEYS = ['a', 'b', 'c'];
const make = (name: string) => PER_KEY_OPERATOR_CASES.find((c) => c.name === name)!.make();
const feed = (h: OperatorHarness<Rec, unknown>, from: number, to: number) => {
  for (let ts = from; ts < to; ts += 1_000) for (const key of KEYS) h.element(rec(key, ts), ts);
  h.watermark(to);
  return h.take();
};

/** `snapshot` as an Eddy before compact snapshots wrote it. */
function asWritten(snapshot: OperatorSnapshot, c: CompactCase, op: unknown): OperatorSnapshot {
  const keyGroups = new Map<number, unknown>();
  for (const [group, list] of snapshot.keyGroups) {
    keyGroups.set(
      group,
      (list as unknown[][]).map((saved) =>
        saved.map((item, i) => (i === c.at ? c.whole(op, String(saved[0])) : item)),
      ),
    );
  }
  const { estimatorFormat: _, ...operatorState } = snapshot.operatorState as Record<string, unknown>;
  return { ...snapshot, keyGroups, operatorState };
}

describe.each(COMPACT)('compact snapshots of $name', (c) => {
  it('saves each key without the shared headers', () => {
    const h = new OperatorHarness(make(c.name), { uid: 'op' });
    feed(h, 0, 30_000);
    const saved = [...h.snapshot().keyGroups.values()].flat() as unknown[][];
    expect(saved).toHaveLength(3);
    for (const tuple of saved) expect(tuple[c.at]).toHaveProperty('~learned');
  });

  it('restores a checkpoint of whole snapshots (written before), continuing as the original', () => {
    const op = make(c.name);
    const original = new OperatorHarness(op, { uid: 'op' });
    feed(original, 0, 30_000);
    const old = throughCodec(asWritten(original.snapshot(), c, op));
    const restored = new OperatorHarness(make(c.name), { uid: 'op' }).restore(restoredOperator([old]));
    expect(feed(restored, 30_000, 60_000)).toEqual(feed(original, 30_000, 60_000));
  });

  it('refuses a checkpoint written with another estimator format', () => {
    const h = new OperatorHarness(make(c.name), { uid: 'op' });
    feed(h, 0, 10_000);
    const snapshot = h.snapshot();
    const other = {
      ...snapshot,
      operatorState: { ...(snapshot.operatorState as object), estimatorFormat: 'other@9' },
    };
    expect(() => new OperatorHarness(make(c.name), { uid: 'op' }).restore(restoredOperator([other]))).toThrow(
      /cannot restore operator "op": its state was saved by other@9/,
    );
  });
});
