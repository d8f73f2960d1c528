import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../../../services/engine/checkpoint/checkpoint-store.ts';
import type { TaskStateHandle } from '../../../../services/engine/checkpoint/checkpoint-types.ts';
import { completion, taskSnapshot, tempDir } from './fixtures.ts';

const MODULE_URL = new URL('../../../../services/engine/checkpoint/task-snapshot-file.ts', import.meta.url)
  .href;
const TSX_API_URL = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
).href;

/** A worker that registers tsx, writes a snapshot with `writeTaskSnapshot` and posts the handle back. */
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.tsx)
  .then((tsx) => { tsx.register(); return import(workerData.module); })
  .then((m) => m.writeTaskSnapshot(workerData.dir, 1, {
    task: 'in-worker', subtask: 3, keyGroupRange: { start: 0, end: 9 },
    operators: [{ uid: 'w', kind: 'window', shape: {}, keyGroups: new Map([[4, { n: new Float64Array([1, 2]) }]]), keys: 1 }],
  }))
  .then((handle) => parentPort.postMessage(handle), (error) => parentPort.postMessage({ error: String(error) }));
`;

describe('writeTaskSnapshot from a worker thread', () => {
  let root: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ dir: root, remove } = await tempDir());
  });
  afterEach(() => remove());

  it('writes a file the main thread completes and loads', async () => {
    const store = new CheckpointStore({ dir: root });
    await store.begin(1);
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { tsx: TSX_API_URL, module: MODULE_URL, dir: root },
    });
    const handle = await new Promise<TaskStateHandle>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(handle).toMatchObject({ task: 'in-worker', subtask: 3, file: 'in-worker.3.snap', keys: 1 });
    const done = await store.complete(completion(1, [handle]));
    const restored = await store.load(done);
    expect(restored.operators.get('w')!.keyGroups).toEqual(new Map([[4, { n: new Float64Array([1, 2]) }]]));
    expect(taskSnapshot([1]).task).toBe('window-agg');
  });
});
