import { describe, expect, it } from 'vitest';
import { keyGroupOf } from '../../../../services/engine/key-groups.ts';
import { HeapKeyedStateBackend } from '../../../../services/engine/state/heap-keyed-state-backend.ts';
import { throughCodec } from '../../../support/operator-harness.ts';

function filled() {
  const backend = new HeapKeyedStateBackend<string | number>(128);
  const count = backend.registerState('count');
  const lists = backend.registerState('list');
  const maps = backend.registerState('map');
  for (const key of ['a', 'b', 7]) {
    backend.setCurrentKey(key);
    backend.put(count, 0, 1);
    backend.put(lists, 0, [key, { nested: [1, 2] }]);
    backend.put(maps, 3, new Map([['x', { value: 1, ts: 5 }]]));
    for (let ns = 10; ns < 22; ns++) backend.put(count, ns, ns); // past the flat list: per-state maps
  }
  return { backend, count, lists, maps };
}

describe('HeapKeyedStateBackend key-group snapshots', () => {
  it('writes columns per key group, from the key group cached in each entry', () => {
    const { backend } = filled();
    const { groups, keys } = backend.snapshotKeyGroups();
    expect(keys).toBe(3);
    for (const [group, columns] of groups) {
      for (const key of columns.keys) expect(keyGroupOf(key, 128)).toBe(group);
      expect(columns.states).toEqual(['count', 'list', 'map']);
      expect(columns.values.length).toBe(columns.slots.length);
      expect([...columns.counts].reduce((a, b) => a + b, 0)).toBe(columns.values.length);
    }
    expect(backend.keyGroupOfKey('a')).toBe(keyGroupOf('a', 128));
    expect(backend.keyGroupOfKey('never-seen')).toBe(keyGroupOf('never-seen', 128));
  });

  it('copies values: later changes to the state do not change the snapshot', () => {
    const { backend, lists, maps } = filled();
    const { groups } = backend.snapshotKeyGroups();
    const before = structuredClone([...groups]);
    backend.setCurrentKey('a');
    backend.get<unknown[]>(lists, 0)!.push('more');
    backend.get<Map<string, { ts: number }>>(maps, 3)!.get('x')!.ts = 99;
    expect([...groups]).toEqual(before);
  });

  it('restores every value through the codec, and only the groups passed (rescaling)', () => {
    const { backend, count } = filled();
    const snapshot = throughCodec({
      uid: 's',
      kind: 'test',
      shape: null,
      keyGroups: backend.snapshotKeyGroups().groups,
      keys: 3,
    });
    const restored = new HeapKeyedStateBackend<string | number>(128);
    const groupOfA = keyGroupOf('a', 128);
    const keys = restored.restoreKeyGroups(
      [...snapshot.keyGroups].filter(([group]) => group !== groupOfA) as never,
    );
    expect(keys).toBe(2);
    expect(restored.keyCount).toBe(2);
    restored.setCurrentKey(7);
    // slots are matched by name: registering in another order still finds them
    expect(restored.get(restored.registerState('map'), 3)).toEqual(new Map([['x', { value: 1, ts: 5 }]]));
    expect(restored.get(restored.registerState('list'), 0)).toEqual([7, { nested: [1, 2] }]);
    expect(restored.get(restored.registerState('count'), 21)).toBe(21);
    expect(restored.entryCount).toBe(2 * 15);
    restored.setCurrentKey('a');
    expect(restored.get(count, 0)).toBeUndefined();
  });

  it('refuses a key group that is not state columns', () => {
    const backend = new HeapKeyedStateBackend<string>(128);
    expect(() => backend.restoreKeyGroups([[3, { keys: ['a'] } as never]])).toThrow(
      /key group 3 does not hold keyed state columns/,
    );
  });
});
