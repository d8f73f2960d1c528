import { describe, expect, it } from 'vitest';
import {
  DeferredKeyGroup,
  resolveKeyGroups,
} from '../../../../services/engine/checkpoint/deferred-key-group.ts';
import { HeapKeyedStateBackend } from '../../../../services/engine/state/heap-keyed-state-backend.ts';

/** A backend of 50 keys, each with a count and, for some, a second value. */
function backend() {
  const b = new HeapKeyedStateBackend<string>(128);
  const count = b.registerState('count');
  const last = b.registerState('last');
  for (let i = 0; i < 50; i++) {
    b.setCurrentKey(`k${i}`);
    b.put(count, 0, { n: i });
    if (i % 3 === 0) b.put(last, 7, [i, i + 1]);
  }
  return { b, count, last };
}

describe('HeapKeyedStateBackend.captureKeyGroups (copy-on-write)', () => {
  it('resolves to the columns snapshotKeyGroups wrote at the barrier, whatever changed since', () => {
    const { b, count, last } = backend();
    const barrier = b.snapshotKeyGroups();
    const { groups, keys } = b.captureKeyGroups();
    expect(keys).toBe(50);
    expect([...groups.values()].every((g) => g instanceof DeferredKeyGroup)).toBe(true);

    // the current key (k49) changed in place without another setCurrentKey
    b.get<{ n: number }>(count, 0)!.n = -1;
    for (let i = 0; i < 50; i += 2) {
      b.setCurrentKey(`k${i}`);
      b.get<{ n: number }>(count, 0)!.n += 100; // in place
      b.put(last, 9, 'new');
      if (i % 10 === 0) b.remove(count, 0);
    }
    b.setCurrentKey('k-new');
    b.put(count, 0, { n: 1 });
    // a sweep drops every `last` value of keys it visits
    b.sweep(50, [undefined, () => undefined]);

    expect(resolveKeyGroups(groups)).toEqual(barrier.groups);
  });

  it('keeps each capture at its own barrier when a second begins before the first resolved', () => {
    const { b, count } = backend();
    const first = b.snapshotKeyGroups();
    const deferredFirst = b.captureKeyGroups();
    b.setCurrentKey('k1');
    b.put(count, 0, { n: 1_000 });
    const second = b.snapshotKeyGroups();
    const deferredSecond = b.captureKeyGroups();
    b.setCurrentKey('k1');
    b.put(count, 0, { n: 2_000 });
    expect(resolveKeyGroups(deferredSecond.groups)).toEqual(second.groups);
    expect(resolveKeyGroups(deferredFirst.groups)).toEqual(first.groups);
  });
});
