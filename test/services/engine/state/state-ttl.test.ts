import { describe, expect, it } from 'vitest';
import { HeapKeyedStateBackend } from '../../../../services/engine/state/heap-keyed-state-backend.ts';
import { KeyedStateStore } from '../../../../services/engine/state/keyed-state-store.ts';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../../services/engine/state/state-descriptors.ts';
import { StateTtlConfig, type StateTtlOptions } from '../../../../services/engine/state/state-ttl-config.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';

function setup() {
  const clock = new ManualClock(0);
  const backend = new HeapKeyedStateBackend<string>(128);
  return { clock, backend, store: new KeyedStateStore(backend, clock) };
}

const ttl = (ms: number, options: StateTtlOptions = {}) => StateTtlConfig.of(ms, options);

describe('state TTL (processing time from the Clock)', () => {
  it('never returns an expired value, and removes it when read (ts + ttl <= now)', () => {
    const { clock, backend, store } = setup();
    const last = store.getState(
      new ValueStateDescriptor<number | undefined>('last').enableTimeToLive(ttl(100)),
    );
    backend.setCurrentKey('a');
    last.update(7);
    clock.advanceTo(99);
    expect(last.value()).toBe(7);
    clock.advanceTo(100);
    expect(last.value()).toBeUndefined();
    expect(backend.keyCount).toBe(0);
  });

  it('returns the default value once expired', () => {
    const { clock, backend, store } = setup();
    const count = store.getState(new ValueStateDescriptor<number>('count', 0).enableTimeToLive(ttl(100)));
    backend.setCurrentKey('a');
    count.update(5);
    clock.advanceTo(100);
    expect(count.value()).toBe(0);
  });

  it("'on-create-and-write': reads do not extend the lifetime, writes do", () => {
    const { clock, backend, store } = setup();
    const v = store.getState(new ValueStateDescriptor<string | undefined>('v').enableTimeToLive(ttl(100)));
    backend.setCurrentKey('a');
    v.update('x');
    clock.advanceTo(90);
    expect(v.value()).toBe('x'); // a read: lifetime not extended
    clock.advanceTo(100);
    expect(v.value()).toBeUndefined();
    v.update('y');
    clock.advanceTo(180);
    v.update('z'); // a write at 180: lives until 280
    clock.advanceTo(279);
    expect(v.value()).toBe('z');
    clock.advanceTo(280);
    expect(v.value()).toBeUndefined();
  });

  it("'on-read-and-write': every read extends the lifetime too", () => {
    const { clock, backend, store } = setup();
    const v = store.getState(
      new ValueStateDescriptor<string | undefined>('v').enableTimeToLive(
        ttl(100, { updateType: 'on-read-and-write' }),
      ),
    );
    backend.setCurrentKey('a');
    v.update('x');
    clock.advanceTo(90);
    expect(v.value()).toBe('x');
    clock.advanceTo(189);
    expect(v.value()).toBe('x');
    clock.advanceTo(289);
    expect(v.value()).toBeUndefined();
  });

  it('list elements expire one by one', () => {
    const { clock, backend, store } = setup();
    const list = store.getListState(new ListStateDescriptor<number>('recent').enableTimeToLive(ttl(100)));
    backend.setCurrentKey('a');
    list.add(1);
    clock.advanceTo(50);
    list.addAll([2, 3]);
    clock.advanceTo(100);
    expect(list.get()).toEqual([2, 3]);
    list.update([4]);
    clock.advanceTo(149);
    expect(list.get()).toEqual([4]);
    clock.advanceTo(200);
    expect(list.get()).toEqual([]);
    expect(backend.keyCount).toBe(0);
  });

  it('map entries expire one by one, for get, contains, entries, keys, values and isEmpty', () => {
    const { clock, backend, store } = setup();
    const map = store.getMapState(
      new MapStateDescriptor<string, number>('by-metric').enableTimeToLive(
        ttl(100, { updateType: 'on-read-and-write' }),
      ),
    );
    backend.setCurrentKey('a');
    map.put('t', 1);
    clock.advanceTo(50);
    map.put('h', 2);
    clock.advanceTo(100);
    expect([map.contains('t'), map.get('t')]).toEqual([false, undefined]);
    expect(map.entries()).toEqual([['h', 2]]); // read at 100: 'h' now lives until 200
    clock.advanceTo(199);
    expect([map.keys(), map.values(), map.isEmpty()]).toEqual([['h'], [2], false]);
    clock.advanceTo(299);
    expect(map.isEmpty()).toBe(true);
    expect(backend.keyCount).toBe(0);
  });

  it('reducing and aggregating state start afresh once expired (an expired value is never folded in)', () => {
    const { clock, backend, store } = setup();
    const sum = store.getReducingState(
      new ReducingStateDescriptor<number>('sum', (a, b) => a + b).enableTimeToLive(ttl(100)),
    );
    const count = store.getAggregatingState(
      new AggregatingStateDescriptor('count', {
        createAccumulator: () => 0,
        add: (_v: number, acc: number) => acc + 1,
        getResult: (acc) => acc,
        merge: (a, b) => a + b,
      }).enableTimeToLive(ttl(100)),
    );
    backend.setCurrentKey('a');
    sum.add(5);
    count.add(5);
    clock.advanceTo(50);
    sum.add(1);
    count.add(1);
    expect([sum.get(), count.get()]).toEqual([6, 2]);
    clock.advanceTo(150); // last write at 50: expired
    expect([sum.get(), count.get()]).toEqual([undefined, undefined]);
    sum.add(3);
    count.add(3);
    expect([sum.get(), count.get()]).toEqual([3, 1]);
  });

  it('stores TTL values as JSON-safe { value, ts }', () => {
    const { clock, backend, store } = setup();
    const v = store.getState(new ValueStateDescriptor<number>('v', 0).enableTimeToLive(ttl(100)));
    const list = store.getListState(new ListStateDescriptor<number>('l').enableTimeToLive(ttl(100)));
    clock.advanceTo(7);
    backend.setCurrentKey('a');
    v.update(1);
    list.add(2);
    const [entry] = [...backend.byKeyGroup().values()].flat();
    expect(JSON.parse(JSON.stringify(entry))).toEqual({
      key: 'a',
      states: { v: [[0, { value: 1, ts: 7 }]], l: [[0, [{ value: 2, ts: 7 }]]] },
    });
  });

  it('the incremental sweep keeps memory bounded while device ids rotate', () => {
    const run = (cleanupSize: number) => {
      const { clock, backend, store } = setup();
      const last = store.getState(
        new ValueStateDescriptor<number | undefined>('last').enableTimeToLive(ttl(1_000, { cleanupSize })),
      );
      let maxKeys = 0;
      // 20,000 devices, each sends 3 readings over 3 ms and is never seen again; 1 ms per reading.
      for (let i = 0; i < 60_000; i++) {
        clock.advance(1);
        backend.setCurrentKey(`device-${Math.floor(i / 3)}`);
        last.update(i);
        maxKeys = Math.max(maxKeys, backend.keyCount);
      }
      return { maxKeys, backend, last, clock };
    };
    // Within the TTL, ~334 devices are live at any time.
    const swept = run(5);
    expect(swept.maxKeys).toBeLessThanOrEqual(400);
    expect(run(0).maxKeys).toBe(20_000); // without the sweep, every device stays until read again

    // Once everything expired, accessing one key's state a few times sweeps all the others away.
    swept.clock.advance(1_000);
    swept.backend.setCurrentKey('device-new');
    for (let i = 0; i < 100; i++) swept.last.value();
    expect(swept.backend.keyCount).toBe(0);
  });

  it("'cleanupOnEveryRecord' sweeps on every record even when the TTL state is not accessed", () => {
    const { clock, backend, store } = setup();
    const last = store.getState(
      new ValueStateDescriptor<number | undefined>('last').enableTimeToLive(
        ttl(100, { cleanupSize: 10, cleanupOnEveryRecord: true }),
      ),
    );
    for (let k = 0; k < 50; k++) {
      backend.setCurrentKey(`k${k}`);
      last.update(k);
    }
    clock.advance(100);
    for (let i = 0; i < 5; i++) store.onRecord();
    expect(backend.keyCount).toBe(0);
  });

  it('the sweep only removes expired values: other states of a key and fresh values stay', () => {
    const { clock, backend, store } = setup();
    const withTtl = store.getState(new ValueStateDescriptor<number>('ttl', 0).enableTimeToLive(ttl(100)));
    const plain = store.getState(new ValueStateDescriptor<number>('plain', 0));
    backend.setCurrentKey('a');
    withTtl.update(1);
    plain.update(1);
    backend.setCurrentKey('b');
    withTtl.update(2);
    clock.advanceTo(60);
    backend.setCurrentKey('c');
    withTtl.update(3); // fresh until 160
    clock.advanceTo(100);
    withTtl.value(); // sweeps a, b and c
    expect(backend.keyCount).toBe(2); // a keeps 'plain'; b is gone; c is fresh
    expect(backend.entryCount).toBe(2);
    backend.setCurrentKey('a');
    expect([withTtl.value(), plain.value()]).toEqual([0, 1]);
  });

  it('validates its configuration', () => {
    expect(() => StateTtlConfig.of(0)).toThrow(/TTL must be a finite number of ms > 0/);
    expect(() => StateTtlConfig.of(10, { cleanupSize: -1 })).toThrow(/cleanupSize/);
    // @ts-expect-error an unknown update type
    expect(() => StateTtlConfig.of(10, { updateType: 'never' })).toThrow(/update type/);
  });
});
