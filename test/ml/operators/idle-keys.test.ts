import { describe, expect, it } from 'vitest';
import { DetectOperator } from '../../../ml/operators/detect-operator.ts';
import type { KeyedModelOperator } from '../../../ml/operators/keyed-model-operator.ts';
import type { OperatorSnapshot } from '../../../services/engine/checkpoint/checkpoint-types.ts';
import { keyGroupOf, keyGroupRange, subtaskOf } from '../../../services/engine/key-groups.ts';
import type { StreamOperator } from '../../../services/engine/runtime/stream-operator.ts';
import { MAX_WATERMARK } from '../../../services/engine/time/watermark.ts';
import { OperatorHarness, restoredOperator, throughCodec } from '../../support/operator-harness.ts';
import { PER_KEY_OPERATOR_CASES, type Rec, rec } from './support/per-key-operator-cases.ts';

/** Idle-key expiry of every per-key ML and detection operator, one suite for all. */
const CASES = PER_KEY_OPERATOR_CASES;

const HOUR = 3_600_000;
/** A key expires at most this long after its TTL (the expiry grid: ttl / 64). */
const GRID = HOUR / 64;

const harness = (op: StreamOperator<Rec, unknown>, subtask?: { index: number; parallelism: number }) =>
  new OperatorHarness(op, { uid: 'op', ...(subtask ? { subtask } : {}) });

/** The keys a snapshot holds (every operator stores a key as the first item of its saved tuple). */
function keysIn(snapshot: OperatorSnapshot): string[] {
  const keys: string[] = [];
  for (const list of snapshot.keyGroups.values())
    for (const saved of list as unknown[][]) keys.push(String(saved[0]));
  return keys.sort();
}

const stateKeys = (op: StreamOperator<Rec, unknown>) => op.metrics().stateKeys ?? 0;

describe.each(CASES)('idle keys of $name', ({ make }) => {
  it('stays at about one TTL of keys while 100,000 rotating keys go through, and counts the expired', () => {
    const op = make(HOUR);
    const h = harness(op);
    let most = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const ts = i * 1_000; // a new key a second: 3,600 per TTL
      h.element(rec(`device-${i}`, ts), ts);
      if (i % 100 === 99) {
        h.watermark(ts);
        h.take();
        most = Math.max(most, stateKeys(op));
      }
    }
    expect(most).toBeGreaterThanOrEqual(3_600);
    expect(most).toBeLessThanOrEqual(3_600 + GRID / 1_000 + 100);
    const { keysExpired } = op.metrics();
    expect(keysExpired).toBe(n - stateKeys(op));
    expect(keysExpired).toBeGreaterThan(n - 3_800);
  });

  it('drops an idle key from the snapshot, keeps an active one, and never expires at end of input', () => {
    const op = make(HOUR);
    const h = harness(op);
    h.element(rec('idle', 0), 0);
    for (let ts = 0; ts <= 10 * HOUR; ts += HOUR / 4) {
      h.element(rec('active', ts), ts);
      h.watermark(ts);
    }
    expect(keysIn(h.snapshot())).toEqual(['active']);
    expect(op.metrics().keysExpired).toBe(1);
    h.element(rec('late-comer', 10 * HOUR), 10 * HOUR);
    h.watermark(MAX_WATERMARK);
    expect(keysIn(h.snapshot())).toEqual(['active', 'late-comer']);
  });

  it('keeps every key with the TTL off', () => {
    const op = make(undefined);
    const h = harness(op);
    h.element(rec('a', 0), 0);
    h.element(rec('b', HOUR), HOUR);
    h.watermark(1_000 * HOUR);
    expect(keysIn(h.snapshot())).toEqual(['a', 'b']);
    expect(op.metrics().keysExpired).toBe(0);
  });

  it('keeps last-seen times in its snapshot: a restored key expires at the same event time', () => {
    const original = harness(make(HOUR));
    original.element(rec('a', 0), 0);
    original.element(rec('b', 30 * 60_000), 30 * 60_000);
    original.watermark(30 * 60_000);
    const restored = harness(make(HOUR)).restore(restoredOperator([throughCodec(original.snapshot())]));
    for (const h of [original, restored]) {
      h.watermark(HOUR - 1);
      expect(keysIn(h.snapshot())).toEqual(['a', 'b']);
      h.watermark(HOUR + GRID);
      expect(keysIn(h.snapshot())).toEqual(['b']);
      h.watermark(HOUR + 30 * 60_000 + GRID);
      expect(keysIn(h.snapshot())).toEqual([]);
    }
  });

  it('keeps last-seen times across a rescale from 2 subtasks to 1', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `device-${i}`);
    const subtasks = [0, 1].map((index) => harness(make(HOUR), { index, parallelism: 2 }));
    keys.forEach((key, i) => {
      const subtask = subtaskOf(keyGroupOf(key, 128), 2, 128);
      subtasks[subtask]!.element(rec(key, i * 60_000), i * 60_000);
    });
    for (const h of subtasks) h.watermark(20 * 60_000);
    const snapshots = subtasks.map((h) => throughCodec(h.snapshot()));
    const merged = harness(make(HOUR)).restore(restoredOperator(snapshots, keyGroupRange(0, 1, 128)));
    expect(keysIn(merged.snapshot())).toEqual([...keys].sort());
    merged.watermark(HOUR + 9 * 60_000 + GRID); // devices 0..9 idle for an hour
    expect(keysIn(merged.snapshot())).toEqual(keys.slice(10).sort());
    merged.watermark(HOUR + 19 * 60_000 + GRID);
    expect(keysIn(merged.snapshot())).toEqual([]);
  });
});

describe('a key that comes back after it expired starts afresh', () => {
  it('a per-key model: new model, versions from 1 again', () => {
    const op = CASES[0]!.make(HOUR) as KeyedModelOperator<Rec, string, number>;
    const h = harness(op);
    for (let ts = 0; ts < 10_000; ts += 1_000) h.element(rec('d1', ts), ts);
    h.watermark(10_000);
    expect(op.learnedBy('d1')).toBe(10);
    expect(op.versionOf('d1')).toBe(1);
    h.watermark(2 * HOUR);
    expect(op.modelOf('d1')).toBeUndefined();
    h.element(rec('d1', 2 * HOUR), 2 * HOUR);
    expect(op.learnedBy('d1')).toBe(1);
    expect(op.versionOf('d1')).toBe(0);
  });

  it('a detector: its pending silence check goes with it', () => {
    const op = new DetectOperator<Rec>({
      name: 'detect',
      detectorName: 'dropout',
      per: 'series',
      detector: { members: [{ detector: 'dropout', params: {} }], combine: 'max' },
      decision: { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 60_000 },
      input: (r) => ({ key: r.key, device: r.key, metrics: ['m'], x: { value: 1 }, value: 1 }),
      stateTtlMs: HOUR,
    });
    const h = harness(op);
    for (let ts = 0; ts < 100_000; ts += 1_000) h.element(rec('d1', ts), ts);
    h.watermark(100_000);
    h.watermark(2 * HOUR);
    h.take();
    expect(op.detectorOf('d1')).toBeUndefined();
    h.watermark(100 * HOUR);
    expect(h.take().filter((e) => 'record' in e)).toEqual([]); // no silence alert from a forgotten key
  });
});
