import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../../../services/engine/checkpoint/checkpoint-errors.ts';
import type { TaskSnapshot } from '../../../../services/engine/checkpoint/checkpoint-types.ts';
import {
  decodeKeyGroup,
  decodeTaskSnapshot,
  encodeTaskSnapshot,
  SNAPSHOT_HEADER_BYTES,
} from '../../../../services/engine/checkpoint/snapshot-codec.ts';
import { taskSnapshot } from './fixtures.ts';

describe('snapshot codec', () => {
  it('starts with magic bytes and the format version', () => {
    const bytes = encodeTaskSnapshot(taskSnapshot([1, 2]));
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('EDDYSNAP');
    expect(bytes.readUInt32BE(8)).toBe(1);
    expect(decodeTaskSnapshot(bytes).formatVersion).toBe(1);
  });

  it('round-trips Maps, Sets, typed arrays, non-finite numbers, undefined, bigint and dates exactly', () => {
    const state = {
      byWindow: new Map<number | string, unknown>([
        [1, 'a'],
        ['w', { x: undefined, y: Number.NaN }],
      ]),
      centroids: new Float64Array([1.5, Number.NaN, Number.NEGATIVE_INFINITY, -0, 1e308]),
      counts: new Int32Array([1, -2]),
      bytes: new Uint8Array([0, 255]),
      numbers: [
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        2 ** 60,
        -1.25e-300,
        undefined,
        null,
      ],
      seen: new Set(['a', 'b']),
      big: 12n,
      at: new Date(5),
      nested: { map: new Map([['k', new Map([[2, [1, 2]]])]]), empty: {}, emptyMap: new Map() },
    };
    const snapshot = taskSnapshot([3], {
      operators: [
        {
          uid: 'op',
          kind: 'k',
          shape: { a: 1 },
          keyGroups: new Map([[3, state]]),
          operatorState: state,
          keys: 1,
        },
      ],
    });
    const back = decodeTaskSnapshot(encodeTaskSnapshot(snapshot)).toSnapshot();
    expect(back).toEqual(snapshot);
    const restored = back.operators[0]!.keyGroups.get(3) as typeof state;
    expect(restored.byWindow).toBeInstanceOf(Map);
    expect(restored.centroids).toBeInstanceOf(Float64Array);
    expect(Object.is(restored.centroids[3], -0)).toBe(true);
    expect(restored.counts).toBeInstanceOf(Int32Array);
    expect(restored.seen).toBeInstanceOf(Set);
    expect(Object.getPrototypeOf(restored.nested)).toBe(Object.prototype);
    expect('x' in (restored.byWindow.get('w') as object)).toBe(true);
  });

  it('keeps "no operator state" apart from "operator state undefined"', () => {
    const without = taskSnapshot([0], {
      operators: [{ uid: 'a', kind: 'k', shape: null, keyGroups: new Map(), keys: 0 }],
    });
    const withUndefined = taskSnapshot([0], {
      operators: [
        { uid: 'a', kind: 'k', shape: null, keyGroups: new Map(), operatorState: undefined, keys: 0 },
      ],
    });
    expect(
      'operatorState' in decodeTaskSnapshot(encodeTaskSnapshot(without)).toSnapshot().operators[0]!,
    ).toBe(false);
    expect(
      'operatorState' in decodeTaskSnapshot(encodeTaskSnapshot(withUndefined)).toSnapshot().operators[0]!,
    ).toBe(true);
  });

  it('round-trips any JSON-like state with Maps and Float64Arrays (property)', () => {
    // -0 as a plain number is written as the integer 0 by MessagePack; inside a Float64Array it keeps its sign.
    const number = fc.double().map((n) => (Object.is(n, -0) ? 0 : n));
    // Objects come back with Object.prototype, and msgpackr renames a `__proto__` key (see the next test).
    const key = fc.string().filter((k) => k !== '__proto__');
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        number,
        fc.integer(),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.float64Array(),
        fc.array(tie('value')),
        fc.dictionary(key, tie('value'), { noNullPrototype: true }),
        fc
          .array(fc.tuple(fc.oneof(fc.integer(), fc.string()), tie('value')))
          .map((entries) => new Map(entries)),
      ),
    }));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 127 }), value)),
        value,
        (groups, operatorState) => {
          const snapshot: TaskSnapshot = {
            task: 'prop',
            subtask: 2,
            keyGroupRange: { start: 0, end: 127 },
            operators: [
              {
                uid: 'u',
                kind: 'k',
                shape: { s: 1 },
                keyGroups: new Map(groups),
                operatorState,
                keys: groups.length,
              },
            ],
          };
          expect(decodeTaskSnapshot(encodeTaskSnapshot(snapshot)).toSnapshot()).toEqual(snapshot);
        },
      ),
      // a fixed seed keeps the test deterministic; 5,000 random runs passed when it was written
      { numRuns: 300, seed: 20_241_124 },
    );
  });

  it('never lets a `__proto__` key set a prototype; null-prototype objects come back as plain objects', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": 1}, "a": 2}');
    const bare = Object.assign(Object.create(null), { a: 1 });
    const snapshot = taskSnapshot([0], {
      operators: [
        { uid: 'u', kind: 'k', shape: {}, keyGroups: new Map(), operatorState: [hostile, bare], keys: 0 },
      ],
    });
    const [back, plain] = decodeTaskSnapshot(encodeTaskSnapshot(snapshot)).toSnapshot().operators[0]!
      .operatorState as Record<string, unknown>[];
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(back!.polluted).toBeUndefined();
    expect(back!.a).toBe(2);
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect({ ...plain }).toEqual({ a: 1 });
  });

  it('leaves key groups packed until asked', () => {
    const decoded = decodeTaskSnapshot(encodeTaskSnapshot(taskSnapshot([5, 6])));
    const packed = decoded.operators[0]!.packedKeyGroups;
    expect([...packed.keys()]).toEqual([5, 6]);
    expect(packed.get(5)).toBeInstanceOf(Uint8Array);
    expect(decodeKeyGroup(packed.get(6)!)).toEqual(taskSnapshot([6]).operators[0]!.keyGroups.get(6));
  });

  it('refuses a key group outside the task range', () => {
    const bad = taskSnapshot([1, 2], { keyGroupRange: { start: 0, end: 1 } });
    expect(() => encodeTaskSnapshot(bad)).toThrow(/key group 2 is outside the task's range \[0, 1\]/);
  });

  it('refuses bytes that are not a snapshot, or from a newer format', () => {
    const bytes = encodeTaskSnapshot(taskSnapshot([1]));
    expect(() => decodeTaskSnapshot(bytes.subarray(0, 5))).toThrow(/shorter than a header/);
    const wrongMagic = Buffer.from(bytes);
    wrongMagic[0] = 0x41;
    expect(() => decodeTaskSnapshot(wrongMagic)).toThrow(/bad magic bytes/);
    const newer = Buffer.from(bytes);
    newer.writeUInt32BE(7, 8);
    expect(() => decodeTaskSnapshot(newer)).toThrow('format version 7 is newer than this Eddy (1)');
    const garbage = Buffer.concat([bytes.subarray(0, SNAPSHOT_HEADER_BYTES), Buffer.from([0xc1])]);
    expect(() => decodeTaskSnapshot(garbage)).toThrow(CheckpointError);
  });
});
