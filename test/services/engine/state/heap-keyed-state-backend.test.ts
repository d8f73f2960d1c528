import { describe, expect, it } from 'vitest';
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
});
