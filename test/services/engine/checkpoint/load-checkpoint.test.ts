import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../../../services/engine/checkpoint/checkpoint-store.ts';
import type { TaskStateHandle } from '../../../../services/engine/checkpoint/checkpoint-types.ts';
import { writeTaskSnapshot } from '../../../../services/engine/checkpoint/task-snapshot-file.ts';
import { keyGroupRange } from '../../../../services/engine/key-groups.ts';
import { ALL_GROUPS, completion, taskSnapshot, tempDir } from './fixtures.ts';

describe('loadCheckpoint (through CheckpointStore.load)', () => {
  let root: string;
  let remove: () => Promise<void>;

  beforeEach(async () => {
    ({ dir: root, remove } = await tempDir());
  });
  afterEach(() => remove());

  function store() {
    return new CheckpointStore({ dir: join(root, 'checkpoints') });
  }

  it('rescales: a checkpoint of 1 task with key groups 0..127 loads as 3 ranges whose union is the whole', async () => {
    const s = store();
    const snapshot = taskSnapshot(ALL_GROUPS);
    const done = await (async () => {
      await s.begin(1);
      return s.complete(completion(1, [await writeTaskSnapshot(s.dir, 1, snapshot)]));
    })();
    const union = new Map<number, unknown>();
    for (let subtask = 0; subtask < 3; subtask++) {
      const range = keyGroupRange(subtask, 3, 128);
      const restored = await s.load(done, { keyGroupRange: range });
      const window = restored.operators.get('window-1')!;
      for (const group of window.keyGroups.keys()) {
        expect(group).toBeGreaterThanOrEqual(range.start);
        expect(group).toBeLessThanOrEqual(range.end);
        expect(union.has(group)).toBe(false);
      }
      for (const [group, state] of window.keyGroups) union.set(group, state);
      expect(window.operatorStates).toHaveLength(1); // operator state goes to every new subtask
    }
    expect(new Map([...union].sort((a, b) => a[0] - b[0]))).toEqual(snapshot.operators[0]!.keyGroups);
  });

  it('rescales back: 3 task files load as 1 range with every group, operator states in subtask order', async () => {
    const s = store();
    await s.begin(1);
    const handles: TaskStateHandle[] = [];
    for (const subtask of [2, 0, 1]) {
      const range = keyGroupRange(subtask, 3, 128);
      const groups = ALL_GROUPS.filter((g) => g >= range.start && g <= range.end);
      handles.push(await writeTaskSnapshot(s.dir, 1, { ...taskSnapshot(groups), subtask }));
    }
    const done = await s.complete(completion(1, handles, 3));
    const restored = await s.load(done, { keyGroupRange: { start: 0, end: 127 } });
    const window = restored.operators.get('window-1')!;
    expect([...window.keyGroups.keys()].sort((a, b) => a - b)).toEqual(ALL_GROUPS);
    expect(window.keyGroups.get(100)).toEqual(taskSnapshot([100]).operators[0]!.keyGroups.get(100));
    expect(window.operatorStates.map((o) => o.subtask)).toEqual([0, 1, 2]);
    await expect(s.load(done, { keyGroupRange: { start: 0, end: 128 } })).rejects.toThrow(
      /does not fit maxParallelism 128/,
    );
  });

  it('loads only the operators asked for, and refuses a key group held twice', async () => {
    const s = store();
    await s.begin(1);
    const a = await writeTaskSnapshot(s.dir, 1, taskSnapshot([1, 2]));
    const b = await writeTaskSnapshot(s.dir, 1, {
      task: 'source',
      subtask: 0,
      keyGroupRange: null,
      operators: [
        {
          uid: 'mqtt-source',
          kind: 'source',
          shape: {},
          keyGroups: new Map(),
          operatorState: { acks: [3] },
          keys: 0,
        },
      ],
    });
    const done = await s.complete(completion(1, [a, b]));
    const onlySource = await s.load(done, { operators: ['mqtt-source'] });
    expect([...onlySource.operators.keys()]).toEqual(['mqtt-source']);
    expect(onlySource.operators.get('mqtt-source')!.operatorStates).toEqual([
      { task: 'source', subtask: 0, state: { acks: [3] } },
    ]);

    await s.begin(2);
    const twice = [
      await writeTaskSnapshot(s.dir, 2, taskSnapshot([1, 2])),
      await writeTaskSnapshot(s.dir, 2, { ...taskSnapshot([2, 3]), subtask: 1 }),
    ];
    const bad = await s.complete(completion(2, twice, 2));
    await expect(s.load(bad)).rejects.toThrow(/key group 2 of operator "window-1" appears in two task files/);
  });
});
