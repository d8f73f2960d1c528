import { describe, expect, it } from 'vitest';
import { keyGroupOf } from '../../../../services/engine/key-groups.ts';
import { HeapKeyedStateBackend } from '../../../../services/engine/state/heap-keyed-state-backend.ts';

function backendWith(keys: string[]) {
  const backend = new HeapKeyedStateBackend<string>(128);
  const a = backend.registerState('a');
  const b = backend.registerState('b');
  for (const key of keys) {
    backend.setCurrentKey(key);
    backend.put(a, 0, `${key}-a`);
    backend.put(a, 1, `${key}-a1`);
  }
  return { backend, a, b };
}

describe('HeapKeyedStateBackend', () => {
  it('keeps namespaced values per key and counts keys and entries', () => {
    const { backend, a, b } = backendWith(['k1', 'k2']);
    expect(backend.registerState('a')).toBe(a);
    backend.setCurrentKey('k1');
    backend.put(b, 0, 1);
    expect([backend.get(a, 1), backend.get(b, 0), backend.get(b, 1)]).toEqual(['k1-a1', 1, undefined]);
    expect([...backend.namespaces(a)]).toEqual([0, 1]);
    expect([backend.keyCount, backend.entryCount]).toEqual([2, 5]);
    backend.remove(a, 0);
    backend.remove(a, 1);
    backend.remove(b, 0);
    expect([backend.keyCount, backend.entryCount]).toEqual([1, 2]);
  });

  it('sweep visits a few keys per call, resuming where it stopped and wrapping around', () => {
    const { backend } = backendWith(['k1', 'k2', 'k3']);
    const seen: string[] = [];
    const visit = (value: unknown) => {
      seen.push(value as string);
      return value;
    };
    backend.sweep(2, [visit]);
    expect(seen).toEqual(['k1-a', 'k1-a1', 'k2-a', 'k2-a1']);
    seen.length = 0;
    backend.sweep(2, [visit]);
    expect(seen).toEqual(['k3-a', 'k3-a1', 'k1-a', 'k1-a1']);
    seen.length = 0;
    backend.sweep(10, [visit]); // at most every key once per call
    expect(seen).toHaveLength(6);
  });

  it('sweep removes values the function drops, frees empty keys (even the current one) and replaces others', () => {
    const { backend, a, b } = backendWith(['k1', 'k2']);
    backend.setCurrentKey('k1');
    backend.put(b, 0, 'k1-b');
    backend.setCurrentKey('k2');
    const removed = backend.sweep(2, [(v) => ((v as string).endsWith('a1') ? `${v}!` : undefined)]);
    expect(removed).toBe(2);
    expect(backend.get(a, 1)).toBe('k2-a1!');
    expect(backend.get(a, 0)).toBeUndefined();
    backend.sweep(2, [() => undefined]); // slot b has no sweep function: k1 keeps it
    expect([backend.keyCount, backend.entryCount]).toEqual([1, 1]);
    backend.put(a, 0, 'again'); // the current key k2 was freed; writing creates it anew
    expect([backend.keyCount, backend.get(a, 0)]).toEqual([2, 'again']);
    backend.setCurrentKey('k1');
    expect(backend.get(b, 0)).toBe('k1-b');
  });

  it('sweep reaches keys added after it started', () => {
    const { backend, a } = backendWith(['k1']);
    backend.sweep(1, [(v) => v]);
    backend.setCurrentKey('k2');
    backend.put(a, 0, 'late');
    const seen: unknown[] = [];
    backend.sweep(1, [
      (v) => {
        seen.push(v);
        return v;
      },
    ]);
    expect(seen).toEqual(['late']);
  });

  it('keeps a key inline, in a short list and in maps, and back inline, with the same answers', () => {
    const backend = new HeapKeyedStateBackend<string>(128);
    const a = backend.registerState('a');
    const b = backend.registerState('b');
    backend.setCurrentKey('k');
    backend.put(a, 1e12, 'first');
    expect(backend.get(a, 1e12)).toBe('first');
    backend.put(b, 0, 'b0'); // a list of two
    backend.put(a, 1e12, 'first!');
    expect([backend.get(a, 1e12), backend.get(b, 0), backend.get(a, 0)]).toEqual(['first!', 'b0', undefined]);
    for (let ns = 1; ns <= 20; ns++) backend.put(a, ns, ns); // past the list: maps
    backend.put(a, 3, 'three');
    expect([backend.get(a, 3), backend.get(a, 20), backend.get(b, 0), backend.get(a, 1e12)]).toEqual([
      'three',
      20,
      'b0',
      'first!',
    ]);
    expect(backend.entryCount).toBe(22);
    expect([...backend.namespaces(b)]).toEqual([0]);
    expect(backend.byKeyGroup().get(backend.byKeyGroup().keys().next().value!)?.[0]?.states.b).toEqual([
      [0, 'b0'],
    ]);
    for (let ns = 1; ns <= 20; ns++) backend.remove(a, ns);
    backend.remove(a, 1e12); // one value left: inline again
    expect([backend.get(b, 0), backend.entryCount, [...backend.namespaces(b)]]).toEqual(['b0', 1, [0]]);
    backend.remove(b, 0);
    expect([backend.keyCount, backend.get(b, 0)]).toEqual([0, undefined]);
  });

  it('snapshots every form grouped by key group, and sweeps each form', () => {
    const backend = new HeapKeyedStateBackend<string>(128);
    const a = backend.registerState('a');
    const fill = (key: string, count: number) => {
      backend.setCurrentKey(key);
      for (let ns = 0; ns < count; ns++) backend.put(a, ns, `${key}${ns}`);
    };
    fill('one', 1);
    fill('few', 3);
    fill('many', 12);
    const states = [...backend.byKeyGroup().values()].flat();
    expect(Object.fromEntries(states.map((s) => [s.key, s.states.a?.length]))).toEqual({
      one: 1,
      few: 3,
      many: 12,
    });
    const firsts = new Set(['one0', 'few0', 'many0']);
    const removed = backend.sweep(3, [(v) => (firsts.has(v as string) ? v : undefined)]);
    expect([removed, backend.keyCount, backend.entryCount]).toEqual([2 + 11, 3, 3]);
    backend.setCurrentKey('many');
    expect([backend.get(a, 0), backend.get(a, 1)]).toEqual(['many0', undefined]);
    expect(backend.sweep(3, [() => undefined])).toBe(3);
    expect(backend.keyCount).toBe(0);
  });

  it('spreads window contents into the entry of a key with no value inline, stable while other values come and go', () => {
    const backend = new HeapKeyedStateBackend<string>(128);
    const contentsSlot = backend.registerState('window-contents');
    const other = backend.registerState('trigger');
    const window = { start: 1_700_000_000_000, end: 1_700_000_010_000 };
    backend.setCurrentKey('k');
    const spread = backend.putSpread(contentsSlot, window)!;
    expect([spread.window, spread.state, spread.registeredTimer]).toEqual([window, undefined, Number.NaN]);
    spread.state = 'acc';
    spread.registeredTimer = window.end - 1;
    expect(spread.hasRegisteredTimer(window.end - 1)).toBe(true);
    expect(backend.get(contentsSlot, window.start)).toBe(spread);
    expect(backend.putSpread(contentsSlot, { start: 0, end: 10 })).toBeUndefined(); // the place is taken
    for (let ns = 0; ns < 12; ns++) backend.put(other, ns, ns); // list, then maps
    for (let ns = 0; ns < 12; ns++) backend.remove(other, ns);
    expect(backend.get(contentsSlot, window.start)).toBe(spread);
    expect([spread.state, spread.registeredTimer, backend.entryCount]).toEqual(['acc', window.end - 1, 1]);
    expect([...backend.namespaces(contentsSlot)]).toEqual([window.start]);
    const [entry] = [...backend.byKeyGroup().values()].flat();
    expect(entry?.states['window-contents']).toEqual([
      [window.start, { window, state: 'acc', registeredTimer: window.end - 1 }],
    ]);
    expect(backend.sweep(1, [() => undefined])).toBe(0); // spread contents are never swept
    backend.remove(contentsSlot, window.start);
    expect([backend.keyCount, backend.get(contentsSlot, window.start)]).toEqual([0, undefined]);
  });

  it('a plain put over spread contents replaces them; a freed inline place takes the next value', () => {
    const backend = new HeapKeyedStateBackend<string>(128);
    const a = backend.registerState('a');
    backend.setCurrentKey('k');
    backend.putSpread(a, { start: 10, end: 20 });
    backend.put(a, 10, 'plain');
    expect([backend.get(a, 10), backend.entryCount]).toEqual(['plain', 1]);
    backend.put(a, 30, 'second');
    backend.remove(a, 10);
    backend.put(a, 30, 'second!'); // held in the list: replaced there, not duplicated inline
    backend.put(a, 40, 'third'); // the free inline place
    expect([backend.get(a, 30), backend.get(a, 40), backend.entryCount]).toEqual(['second!', 'third', 2]);
    expect(backend.namespaces(a).sort()).toEqual([30, 40]);
  });

  it('groups keys by their key group in snapshots, and keeps a concatenated key equal to its flat form', () => {
    const backend = new HeapKeyedStateBackend<string>(4);
    const a = backend.registerState('a');
    const keys = Array.from({ length: 20 }, (_, i) => ['dev', String(i)].join('-'));
    for (const key of keys) {
      backend.setCurrentKey(`${key.slice(0, 3)}-${key.slice(4)}`); // built by concatenation
      backend.put(a, 0, key);
    }
    const groups = backend.byKeyGroup();
    expect(
      [...groups.values()]
        .flat()
        .map((s) => s.key)
        .sort(),
    ).toEqual([...keys].sort());
    for (const [group, states] of groups) {
      for (const { key } of states) expect(keyGroupOf(key, 4)).toBe(group);
    }
    backend.setCurrentKey('dev-7');
    expect(backend.get(a, 0)).toBe('dev-7');
  });
});
