import { describe, expect, it } from 'vitest';
import type { AggregateFunction } from '../../../../services/engine/api/functions.ts';
import { HeapKeyedStateBackend } from '../../../../services/engine/state/heap-keyed-state-backend.ts';
import { KeyedStateStore } from '../../../../services/engine/state/keyed-state-store.ts';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../../services/engine/state/state-descriptors.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';

function store() {
  const backend = new HeapKeyedStateBackend<string>(128);
  return { backend, store: new KeyedStateStore(backend, new ManualClock(0)) };
}

const mean: AggregateFunction<number, { sum: number; n: number }, number> = {
  createAccumulator: () => ({ sum: 0, n: 0 }),
  add: (v, acc) => ({ sum: acc.sum + v, n: acc.n + 1 }),
  getResult: (acc) => acc.sum / acc.n,
  merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
};

describe('KeyedStateStore: state handles act on the current key', () => {
  it('ValueState: default, update, per-key isolation, clear, update(undefined) clears', () => {
    const { backend, store: s } = store();
    const count = s.getState(new ValueStateDescriptor<number>('count', 0));
    const last = s.getState(new ValueStateDescriptor<string | undefined>('last'));
    backend.setCurrentKey('a');
    expect(count.value()).toBe(0);
    expect(last.value()).toBeUndefined();
    count.update(count.value() + 1);
    count.update(count.value() + 1);
    last.update('x');
    backend.setCurrentKey('b');
    expect(count.value()).toBe(0);
    count.update(10);
    backend.setCurrentKey('a');
    expect([count.value(), last.value()]).toEqual([2, 'x']);
    count.clear();
    expect(count.value()).toBe(0);
    last.update(undefined);
    expect(last.value()).toBeUndefined();
    expect(backend.keyCount).toBe(1); // a's state is all gone; b still has its count
    backend.setCurrentKey('b');
    expect(count.value()).toBe(10);
  });

  it('ValueState: an object default is a fresh copy each time (changing it never changes the default)', () => {
    const { backend, store: s } = store();
    const stats = s.getState(new ValueStateDescriptor('stats', { n: 0 }));
    backend.setCurrentKey('a');
    stats.value().n = 99;
    expect(stats.value()).toEqual({ n: 0 });
  });

  it('ListState: add, addAll, get (a copy), update, empty update clears, per key', () => {
    const { backend, store: s } = store();
    const list = s.getListState(new ListStateDescriptor<number>('recent'));
    backend.setCurrentKey('a');
    expect(list.get()).toEqual([]);
    list.add(1);
    list.addAll([2, 3]);
    const copy = list.get();
    copy.push(99);
    expect(list.get()).toEqual([1, 2, 3]);
    backend.setCurrentKey('b');
    list.update([7]);
    expect(list.get()).toEqual([7]);
    backend.setCurrentKey('a');
    list.update([]);
    expect(list.get()).toEqual([]);
    backend.setCurrentKey('b');
    list.clear();
    expect(backend.keyCount).toBe(0);
  });

  it('MapState: put, get, contains, remove, entries/keys/values in insertion order, isEmpty, per key', () => {
    const { backend, store: s } = store();
    const map = s.getMapState(new MapStateDescriptor<string, number>('by-metric'));
    backend.setCurrentKey('a');
    expect(map.isEmpty()).toBe(true);
    map.put('t', 20);
    map.put('h', 55);
    map.put('t', 21);
    expect(map.get('t')).toBe(21);
    expect(map.get('p')).toBeUndefined();
    expect([map.contains('h'), map.contains('p')]).toEqual([true, false]);
    expect(map.entries()).toEqual([
      ['t', 21],
      ['h', 55],
    ]);
    expect(map.keys()).toEqual(['t', 'h']);
    expect(map.values()).toEqual([21, 55]);
    backend.setCurrentKey('b');
    expect(map.isEmpty()).toBe(true);
    backend.setCurrentKey('a');
    map.remove('t');
    map.remove('nothing');
    expect(map.keys()).toEqual(['h']);
    map.remove('h');
    expect(map.isEmpty()).toBe(true);
    expect(backend.keyCount).toBe(0);
    map.put('x', 1);
    map.clear();
    expect(map.isEmpty()).toBe(true);
  });

  it('ReducingState folds every add with the reduce function', () => {
    const { backend, store: s } = store();
    const max = s.getReducingState(new ReducingStateDescriptor<number>('max', Math.max));
    backend.setCurrentKey('a');
    expect(max.get()).toBeUndefined();
    for (const v of [3, 9, 4]) max.add(v);
    backend.setCurrentKey('b');
    max.add(-1);
    expect(max.get()).toBe(-1);
    backend.setCurrentKey('a');
    expect(max.get()).toBe(9);
    max.clear();
    expect(max.get()).toBeUndefined();
  });

  it('AggregatingState keeps an accumulator and returns the result', () => {
    const { backend, store: s } = store();
    const avg = s.getAggregatingState(new AggregatingStateDescriptor('mean', mean));
    backend.setCurrentKey('a');
    expect(avg.get()).toBeUndefined();
    for (const v of [1, 2, 6]) avg.add(v);
    backend.setCurrentKey('b');
    avg.add(10);
    backend.setCurrentKey('a');
    expect(avg.get()).toBe(3);
    avg.clear();
    expect(avg.get()).toBeUndefined();
    backend.setCurrentKey('b');
    expect(avg.get()).toBe(10);
  });

  it('stores JSON-safe values (maps as Map, whose entries are the snapshot form), grouped by key group', () => {
    const { backend, store: s } = store();
    s.getState(new ValueStateDescriptor<number>('count', 0));
    const list = s.getListState(new ListStateDescriptor<number>('recent'));
    const map = s.getMapState(new MapStateDescriptor<string, number>('by-metric'));
    backend.setCurrentKey('a');
    list.addAll([1, 2]);
    map.put('t', 1);
    const [entries] = [...backend.byKeyGroup().values()];
    expect(entries).toEqual([
      { key: 'a', states: { recent: [[0, [1, 2]]], 'by-metric': [[0, new Map([['t', 1]])]] } },
    ]);
  });

  it('returns the same handle for the same name, and refuses one name for two kinds of state', () => {
    const { store: s } = store();
    const a = s.getState(new ValueStateDescriptor<number>('x', 0));
    expect(s.getState(new ValueStateDescriptor<number>('x', 0))).toBe(a);
    expect(() => s.getListState(new ListStateDescriptor<number>('x'))).toThrow(
      /"x" is already registered as value state.*another name/,
    );
  });

  it('validates descriptors', () => {
    expect(() => new ValueStateDescriptor<number | undefined>('')).toThrow(/non-empty name/);
    // @ts-expect-error without a default value, T must include undefined (value() may return it)
    expect(new ValueStateDescriptor<number>('no-default').defaultValue).toBeUndefined();
  });
});
