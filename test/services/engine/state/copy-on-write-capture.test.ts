import { describe, expect, it } from 'vitest';
import {
  DeferredKeyGroup,
  resolveKeyGroups,
} from '../../../../services/engine/checkpoint/deferred-key-group.ts';
import { CopyOnWriteCapture } from '../../../../services/engine/state/copy-on-write-capture.ts';

interface Counter {
  readonly keyGroup: number;
  captureEpoch: number;
  n: number;
}

const counters = () =>
  new Map<string, Counter>([
    ['a', { keyGroup: 1, captureEpoch: 0, n: 1 }],
    ['b', { keyGroup: 1, captureEpoch: 0, n: 2 }],
    ['c', { keyGroup: 2, captureEpoch: 0, n: 3 }],
  ]);

/** A capture of counters that counts how often it saves. */
function capture(deferred = true) {
  let saves = 0;
  const cow = new CopyOnWriteCapture<string, Counter, [string, number]>(
    (key, entry) => {
      saves++;
      return [key, entry.n];
    },
    { deferred },
  );
  return { cow, saves: () => saves };
}

describe('CopyOnWriteCapture', () => {
  it('resolves to the entries as they were at begin, saving each exactly once', () => {
    const entries = counters();
    const { cow, saves } = capture();
    const groups = cow.begin(entries);
    expect(saves()).toBe(0);
    expect([...groups.values()].every((g) => g instanceof DeferredKeyGroup)).toBe(true);

    const a = entries.get('a')!;
    cow.beforeWrite('a', a);
    a.n = 10;
    cow.beforeWrite('a', a); // already saved: not again
    a.n = 11;
    const c = entries.get('c')!;
    cow.beforeWrite('c', c);
    entries.delete('c');
    entries.set('d', { keyGroup: 2, captureEpoch: 0, n: 4 }); // after the barrier: not in this capture
    expect(saves()).toBe(2);

    expect(resolveKeyGroups(groups)).toEqual(
      new Map([
        [
          1,
          [
            ['a', 1],
            ['b', 2],
          ],
        ],
        [2, [['c', 3]]],
      ]),
    );
    expect(saves()).toBe(3);
    expect(cow.capturing).toBe(false);
    cow.beforeWrite('b', entries.get('b')!); // no capture: nothing saved
    expect(saves()).toBe(3);
  });

  it('finishes an unresolved capture when the next begins, so each keeps its own barrier', () => {
    const entries = counters();
    const { cow } = capture();
    const first = cow.begin(entries);
    const b = entries.get('b')!;
    cow.beforeWrite('b', b);
    b.n = 20;
    const second = cow.begin(entries);
    cow.beforeWrite('b', b);
    b.n = 30;
    expect(resolveKeyGroups(second).get(1)).toEqual([
      ['a', 1],
      ['b', 20],
    ]);
    expect(resolveKeyGroups(first).get(1)).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('saves everything in begin when not deferred (state that changes between records)', () => {
    const entries = counters();
    const { cow, saves } = capture(false);
    const groups = cow.begin(entries);
    expect(saves()).toBe(3);
    entries.get('a')!.n = 99;
    expect(groups.get(1)).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(cow.capturing).toBe(false);
  });

  it('captures nothing from an empty map', () => {
    const { cow } = capture();
    expect(cow.begin(new Map()).size).toBe(0);
    expect(cow.capturing).toBe(false);
  });
});
