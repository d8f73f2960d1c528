import { describe, expect, it } from 'vitest';
import type { OperatorSnapshot } from '../../../services/engine/checkpoint/checkpoint-types.ts';
import { DeferredKeyGroup } from '../../../services/engine/checkpoint/deferred-key-group.ts';
import { OperatorHarness, throughCodec } from '../../support/operator-harness.ts';
import {
  PER_KEY_OPERATOR_CASES,
  type PerKeyOperatorCase,
  type Rec,
  rec,
} from './support/per-key-operator-cases.ts';

/**
 * The per-key ML and detection operators capture their keys copy-on-write: a checkpoint's key
 * groups are deferred, and whatever the operator processes before the encoder reads them (records
 * of captured keys, new keys, versions and reports published, keys expiring) must not show in
 * them. Each check compares the deferred snapshot, resolved late, with the same operator's state
 * fed only up to the barrier (a twin), both as a restore reads them back.
 */
const COPY_ON_WRITE = PER_KEY_OPERATOR_CASES.filter((c) => c.name !== 'DeviceRowsOperator');

const HOUR = 3_600_000;
const KEYS = Array.from({ length: 10 }, (_, i) => `device-${i}`);

const harness = (c: PerKeyOperatorCase) => new OperatorHarness(c.make(HOUR), { uid: 'op' });
/** What a restore would read: the snapshot encoded (deferred groups resolved now) and decoded. */
const encoded = (snapshot: OperatorSnapshot) => throughCodec(snapshot);

/** Every key, a record a second for 10 s. */
function beforeBarrier(h: OperatorHarness<Rec, unknown>): void {
  for (let ts = 0; ts < 10_000; ts += 1_000) for (const key of KEYS) h.element(rec(key, ts), ts);
  h.watermark(10_000);
}

/** Half the keys learn on for two minutes (versions and reports are published), a key is new, the rest expire. */
function afterBarrier(h: OperatorHarness<Rec, unknown>): void {
  for (let ts = 20_000; ts <= 130_000; ts += 5_000) {
    for (const key of KEYS.slice(0, 5)) h.element(rec(key, ts), ts);
    h.element(rec('device-new', ts), ts);
    h.watermark(ts);
  }
  h.watermark(HOUR + 112_500); // device-5..9 (last seen at 9 s) expire; the others stay
}

describe.each(COPY_ON_WRITE)('copy-on-write snapshots of $name', (c) => {
  it('defers its key groups, which resolve to the state at the barrier whatever came after', () => {
    const h = harness(c);
    beforeBarrier(h);
    const deferred = h.deferredSnapshot(1);
    expect([...deferred.keyGroups.values()].every((g) => g instanceof DeferredKeyGroup)).toBe(true);
    afterBarrier(h);
    expect(h.operator.metrics().keysExpired).toBe(5);

    const twin = harness(c);
    beforeBarrier(twin);
    expect(encoded(deferred)).toEqual(encoded(twin.snapshot(1)));
  });

  it('keeps an unresolved capture at its barrier when the next checkpoint begins', () => {
    const h = harness(c);
    beforeBarrier(h);
    const first = h.deferredSnapshot(1);
    h.element(rec('device-0', 15_000), 15_000);
    const second = h.deferredSnapshot(2);
    afterBarrier(h);

    const twin = harness(c);
    beforeBarrier(twin);
    expect(encoded(first)).toEqual(encoded(twin.snapshot(1)));
    twin.element(rec('device-0', 15_000), 15_000);
    expect(encoded(second)).toEqual(encoded(twin.snapshot(2)));
  });
});
