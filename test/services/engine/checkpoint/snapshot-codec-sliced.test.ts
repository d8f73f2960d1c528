import { describe, expect, it } from 'vitest';
import { DeferredKeyGroup } from '../../../../services/engine/checkpoint/deferred-key-group.ts';
import { sha256Hex } from '../../../../services/engine/checkpoint/durable-files.ts';
import {
  decodeTaskSnapshot,
  encodeTaskSnapshot,
  encodeTaskSnapshotSliced,
} from '../../../../services/engine/checkpoint/snapshot-codec.ts';
import { sha256Sliced } from '../../../../services/engine/checkpoint/task-snapshot-file.ts';
import { taskSnapshot } from './fixtures.ts';

describe('encodeTaskSnapshotSliced', () => {
  it('encodes byte for byte like encodeTaskSnapshot, yielding to the event loop before every slice', async () => {
    const snapshot = taskSnapshot(Array.from({ length: 40 }, (_, g) => g));
    let turns = 0;
    let clock = 0;
    const encoded = await encodeTaskSnapshotSliced(snapshot, {
      sliceBytes: 500,
      sliceMs: Number.POSITIVE_INFINITY,
      yieldToLoop: async () => {
        turns++;
      },
      now: () => (clock += 1),
    });
    expect(Buffer.compare(encoded.bytes, encodeTaskSnapshot(snapshot))).toBe(0);
    expect(decodeTaskSnapshot(encoded.bytes).toSnapshot()).toEqual(snapshot);
    expect(turns).toBeGreaterThan(5);
    // One turn before the first slice (the capture's turn stays short), then one between slices.
    expect(encoded.slices).toBe(turns);
    expect(encoded.longestSliceMs).toBeGreaterThan(0);
  });

  it('also ends a slice after sliceMs of work, and resolves deferred key groups in their slice', async () => {
    const plain = taskSnapshot(Array.from({ length: 6 }, (_, g) => g));
    const resolvedIn: number[] = [];
    let turns = 0;
    const [operator] = plain.operators;
    const deferred = {
      ...plain,
      operators: [
        {
          ...operator!,
          keyGroups: new Map(
            [...operator!.keyGroups].map(([g, state]) => [
              g,
              new DeferredKeyGroup(() => {
                resolvedIn.push(turns);
                return state;
              }),
            ]),
          ),
        },
      ],
    };
    let clock = 0;
    const encoded = await encodeTaskSnapshotSliced(deferred, {
      sliceMs: 1,
      yieldToLoop: async () => {
        turns++;
      },
      now: () => (clock += 1), // each read advances 1 ms: every group takes a slice
    });
    expect(Buffer.compare(encoded.bytes, encodeTaskSnapshot(plain))).toBe(0);
    expect(resolvedIn).toEqual([1, 2, 3, 4, 5, 6]); // one group a slice, none in the capture's turn
    expect(encoded.slices).toBe(7);
  });

  it('takes the deferred key groups it encodes: the snapshot keeps none of their state, and a second read is refused', async () => {
    const plain = taskSnapshot([0, 1]);
    const [operator] = plain.operators;
    let computed = 0;
    const groups = [...operator!.keyGroups].map(
      ([g, state]) =>
        [
          g,
          new DeferredKeyGroup(() => {
            computed++;
            return state;
          }),
        ] as const,
    );
    const deferred = { ...plain, operators: [{ ...operator!, keyGroups: new Map(groups) }] };
    const encoded = await encodeTaskSnapshotSliced(deferred, { yieldToLoop: async () => {} });
    expect(Buffer.compare(encoded.bytes, encodeTaskSnapshot(plain))).toBe(0);
    expect(computed).toBe(2);
    for (const [, group] of groups) {
      expect(() => group.resolve()).toThrow(/taken by the checkpoint encoder/);
      expect(
        Object.values(group).filter((field) => field !== undefined && typeof field !== 'boolean'),
      ).toEqual([]);
    }
  });

  it('refuses a key group outside the task range, as the synchronous encoder does', async () => {
    const snapshot = taskSnapshot([1, 2], { keyGroupRange: { start: 0, end: 1 } });
    await expect(encodeTaskSnapshotSliced(snapshot)).rejects.toThrow(
      /key group 2 is outside the task's range \[0, 1\]/,
    );
  });
});

describe('sha256Sliced', () => {
  it('hashes in 1 MiB slices to the same digest', async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => i % 251);
    expect(await sha256Sliced(bytes)).toBe(sha256Hex(bytes));
    expect(await sha256Sliced(new Uint8Array(0))).toBe(sha256Hex(new Uint8Array(0)));
  });
});
