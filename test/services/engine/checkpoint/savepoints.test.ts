import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CorruptCheckpointError,
  NotASavepointError,
} from '../../../../services/engine/checkpoint/checkpoint-errors.ts';
import { CheckpointStore } from '../../../../services/engine/checkpoint/checkpoint-store.ts';
import { loadCheckpoint } from '../../../../services/engine/checkpoint/load-checkpoint.ts';
import { openSavepoint, writeSavepoint } from '../../../../services/engine/checkpoint/savepoints.ts';
import { writeTaskSnapshot } from '../../../../services/engine/checkpoint/task-snapshot-file.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { completion, taskSnapshot, tempDir } from './fixtures.ts';

describe('savepoints', () => {
  let root: string;
  let remove: () => Promise<void>;
  const clock = new ManualClock(1_000);

  beforeEach(async () => {
    ({ dir: root, remove } = await tempDir());
  });
  afterEach(() => remove());

  /** A savepoint copied from checkpoint 1 of a store. */
  async function savepoint(target = join(root, 'sp')) {
    const store = new CheckpointStore({ dir: join(root, 'checkpoints'), clock });
    await store.begin(1);
    const handle = await writeTaskSnapshot(store.dir, 1, taskSnapshot([1, 2]));
    const written = await writeSavepoint(target, completion(1, [handle]), {
      sourceDir: store.checkpointDir(1),
      clock,
    });
    return { written, handle, target };
  }

  it('writes the checkpoint format into the chosen directory and opens it by directory or manifest', async () => {
    const { written, target } = await savepoint();
    expect(written.manifest).toMatchObject({ kind: 'savepoint', id: 1, createdAt: 1_000 });
    expect(await openSavepoint(target)).toEqual(written);
    expect(await openSavepoint(join(target, '_manifest.json'))).toEqual(written);
    const state = await loadCheckpoint(written, { keyGroupRange: { start: 2, end: 127 } });
    expect([...state.operators.get('window-1')!.keyGroups.keys()]).toEqual([2]);
    await expect(savepoint(target)).rejects.toThrow(
      /a savepoint already exists in .*: choose another directory/,
    );
  });

  it('says clearly when a path is not a savepoint', async () => {
    await expect(openSavepoint(join(root, 'nope'))).rejects.toThrow(
      `not a savepoint: ${join(root, 'nope')} (no such file or directory)`,
    );
    const empty = join(root, 'empty');
    await mkdir(empty);
    await expect(openSavepoint(empty)).rejects.toThrow(NotASavepointError);
    await expect(openSavepoint(empty)).rejects.toThrow(/^not a savepoint: .*empty \(no _manifest.json in /);
    const other = join(root, 'notes.txt');
    await writeFile(other, 'x');
    await expect(openSavepoint(other)).rejects.toThrow(
      /not a savepoint: .*notes.txt \(expected a savepoint directory or its _manifest.json\)/,
    );
    const garbage = join(root, 'garbage');
    await mkdir(garbage);
    await writeFile(join(garbage, '_manifest.json'), 'not json');
    await expect(openSavepoint(garbage)).rejects.toThrow(
      /not a savepoint: .*garbage \(_manifest.json is not valid JSON\)/,
    );
  });

  it('refuses a damaged savepoint or one from a newer Eddy', async () => {
    const { target, handle } = await savepoint();
    const file = join(target, handle.file);
    const bytes = await readFile(file);
    bytes[40] = bytes[40]! ^ 1;
    await writeFile(file, bytes);
    const error = await openSavepoint(target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptCheckpointError);
    expect((error as Error).message).toBe(
      `savepoint ${target} cannot be used: checksum mismatch in window-agg.0.snap`,
    );

    const manifestPath = join(target, '_manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    await writeFile(manifestPath, JSON.stringify({ ...manifest, formatVersion: 7 }));
    await expect(openSavepoint(target)).rejects.toThrow('format version 7 is newer than this Eddy (1)');
  });
});
