import { appendFile, mkdir, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../../../services/engine/checkpoint/checkpoint-store.ts';
import type { TaskStateHandle } from '../../../../services/engine/checkpoint/checkpoint-types.ts';
import type { CoordinatorStore } from '../../../../services/engine/checkpoint/coordinator-types.ts';
import { writeTaskSnapshot } from '../../../../services/engine/checkpoint/task-snapshot-file.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { capturingLogger, completion, taskSnapshot, tempDir } from './fixtures.ts';

const T0 = 1_732_464_000_000;

describe('CheckpointStore', () => {
  let root: string;
  let remove: () => Promise<void>;
  let clock: ManualClock;
  let log: ReturnType<typeof capturingLogger>;

  beforeEach(async () => {
    ({ dir: root, remove } = await tempDir());
    clock = new ManualClock(T0);
    log = capturingLogger();
  });
  afterEach(() => remove());

  function store(retain = 3) {
    return new CheckpointStore({ dir: join(root, 'checkpoints'), retain, logger: log.logger, clock });
  }

  /** Takes a complete checkpoint of one task holding `groups`, whose windows count `marker`. */
  async function checkpoint(s: CheckpointStore, groups: readonly number[] = [1, 2, 3]) {
    const id = await s.nextId();
    await s.begin(id);
    const handle = await writeTaskSnapshot(s.dir, id, taskSnapshot(groups));
    clock.advance(1_000);
    return s.complete(completion(id, [handle]));
  }

  it('fits the coordinator interface', () => {
    const asCoordinatorStore: CoordinatorStore = store();
    expect(asCoordinatorStore).toBeDefined();
  });

  it('writes, finds and loads a checkpoint back exactly', async () => {
    const s = store();
    expect(await s.latest()).toBeUndefined();
    expect(await s.nextId()).toBe(1);
    const dir = await s.begin(1);
    expect(dir).toBe(join(s.dir, 'chk-1'));
    const snapshot = taskSnapshot([4, 9]);
    const handle = await writeTaskSnapshot(s.dir, 1, snapshot);
    expect(handle).toMatchObject({
      task: 'window-agg',
      subtask: 0,
      file: 'window-agg.0.snap',
      keys: 4,
      operators: ['window-1'],
    });
    expect(handle.sha256).toMatch(/^[0-9a-f]{64}$/);
    clock.advance(500);
    const done = await s.complete(completion(1, [handle]));
    expect(done.manifest).toEqual({
      formatVersion: 1,
      id: 1,
      kind: 'checkpoint',
      createdAt: T0 + 500,
      durationMs: 42,
      job: { name: 'test-job', fingerprint: 'abc123' },
      maxParallelism: 128,
      parallelism: 1,
      totalBytes: handle.bytes,
      keys: 4,
      tasks: [handle],
      sources: { offsets: [1, 2] },
    });
    expect(JSON.parse(await readFile(join(dir, '_manifest.json'), 'utf8'))).toEqual(done.manifest);

    const latest = await s.latest();
    expect(latest).toEqual(done);
    const restored = await s.load(latest!);
    const window = restored.operators.get('window-1')!;
    expect(window.keyGroups).toEqual(snapshot.operators[0]!.keyGroups);
    expect(window.shape).toEqual(snapshot.operators[0]!.shape);
    expect(window.operatorStates).toEqual([
      { task: 'window-agg', subtask: 0, state: { watermark: 1_700_000_000_000 } },
    ]);
    expect(log.lines.some((l) => l.msg.startsWith('checkpoint 1 complete'))).toBe(true);
  });

  it('ignores a directory without manifest (atomic completion) and lists it as incomplete', async () => {
    const s = store();
    await checkpoint(s);
    await s.begin(2);
    await writeTaskSnapshot(s.dir, 2, taskSnapshot([7]));
    const latest = await s.latest();
    expect(latest?.manifest.id).toBe(1);
    expect(log.warnings().map((l) => l.msg)).toEqual([
      'skipping checkpoint 2: incomplete: no _manifest.json (it stopped before completing)',
    ]);
    const list = await s.list();
    expect(list.map((c) => [c.id, c.status])).toEqual([
      [2, 'incomplete'],
      [1, 'complete'],
    ]);
    expect(list[0]!.bytes).toBeGreaterThan(0);
    expect(list[0]!.createdAt).toBeNull();
  });

  describe('skips a damaged newest checkpoint, with a warning, and restores the previous one', () => {
    /** Damages checkpoint 2 of 2; when its files (not its manifest) are damaged, loading it fails too. */
    async function damaged(damage: (file: string, dir: string) => Promise<void>, filesDamaged = true) {
      const s = store();
      await checkpoint(s);
      const second = await checkpoint(s, [10, 11]);
      await damage(join(second.dir, second.manifest.tasks[0]!.file), second.dir);
      const latest = await s.latest();
      expect(latest?.manifest.id).toBe(1);
      const warnings = log.warnings();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ checkpoint: 2, dir: second.dir });
      const info = (await s.list()).find((c) => c.id === 2)!;
      expect(info.status).toBe('corrupt');
      expect(info.reason).toBe(warnings[0]!.reason);
      if (filesDamaged) await expect(s.load(second)).rejects.toThrow(String(warnings[0]!.reason));
      return warnings[0]!.msg;
    }

    it('a flipped byte', async () => {
      const msg = await damaged(async (file) => {
        const bytes = await readFile(file);
        bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
        await writeFile(file, bytes);
      });
      expect(msg).toBe('skipping checkpoint 2: checksum mismatch in window-agg.0.snap');
    });

    it('a truncated file', async () => {
      const msg = await damaged((file) => truncate(file, 20));
      expect(msg).toMatch(
        /^skipping checkpoint 2: file window-agg.0.snap is truncated: 20 bytes, the manifest says \d+$/,
      );
    });

    it('a file too long', async () => {
      const msg = await damaged((file) => appendFile(file, 'x'));
      expect(msg).toMatch(/is too long/);
    });

    it('a missing file', async () => {
      const msg = await damaged((file) => rm(file));
      expect(msg).toBe('skipping checkpoint 2: file window-agg.0.snap is missing');
    });

    it('a garbage manifest', async () => {
      const msg = await damaged(
        (_file, dir) => writeFile(join(dir, '_manifest.json'), '{"id": 2, garbage'),
        false,
      );
      expect(msg).toBe('skipping checkpoint 2: _manifest.json is not valid JSON');
    });

    it('a manifest that is JSON but not a manifest', async () => {
      const msg = await damaged(
        (_file, dir) => writeFile(join(dir, '_manifest.json'), '{"formatVersion": 1, "id": 2}'),
        false,
      );
      expect(msg).toMatch(/^skipping checkpoint 2: _manifest.json is not a valid manifest/);
    });

    it('a manifest from a newer format version', async () => {
      const msg = await damaged(async (_file, dir) => {
        const path = join(dir, '_manifest.json');
        const manifest = JSON.parse(await readFile(path, 'utf8'));
        await writeFile(path, JSON.stringify({ ...manifest, formatVersion: 7 }));
      }, false);
      expect(msg).toBe(
        'skipping checkpoint 2: format version 7 is newer than this Eddy (1): upgrade Eddy to read it',
      );
    });

    it('a task file from a newer format version (checksum made to match)', async () => {
      const s = store();
      await checkpoint(s);
      const id = await s.nextId();
      await s.begin(id);
      const handle = await writeTaskSnapshot(s.dir, id, taskSnapshot([10]));
      const file = join(s.checkpointDir(id), handle.file);
      const bytes = await readFile(file);
      bytes.writeUInt32BE(7, 8);
      await writeFile(file, bytes);
      const { sha256Hex } = await import('../../../../services/engine/checkpoint/durable-files.ts');
      await s.complete(completion(id, [{ ...handle, sha256: sha256Hex(bytes) }]));
      expect((await s.latest())?.manifest.id).toBe(1);
      expect(log.warnings()[0]!.msg).toBe(
        'skipping checkpoint 2: window-agg.0.snap: format version 7 is newer than this Eddy (1): upgrade Eddy to read it',
      );
    });
  });

  it('keeps the newest `retain` complete checkpoints and drops abandoned older incomplete ones', async () => {
    const s = store(2);
    await checkpoint(s); // 1
    await s.begin(await s.nextId()); // 2: abandoned
    await checkpoint(s); // 3
    await s.begin(await s.nextId()); // 4: abandoned
    await checkpoint(s); // 5
    await s.begin(6);
    const six = await writeTaskSnapshot(s.dir, 6, taskSnapshot([1]));
    await s.begin(7); // newer than the one completing: still being written
    await s.complete(completion(6, [six]));
    expect((await readdir(s.dir)).sort()).toEqual(['chk-5', 'chk-6', 'chk-7']);
    expect((await s.list()).map((c) => `${c.id}:${c.status}`)).toEqual([
      '7:incomplete',
      '6:complete',
      '5:complete',
    ]);
  });

  it('keeps ids increasing across restarts, aborted ones included', async () => {
    const first = store();
    await checkpoint(first); // 1
    await checkpoint(first); // 2
    const aborted = await first.nextId();
    await first.begin(aborted);
    await first.abort(aborted);
    expect(aborted).toBe(3);
    expect(await first.nextId()).toBe(4); // in this process, never reused
    const restarted = store();
    expect(await restarted.nextId()).toBe(3);
    await restarted.begin(5); // a dir left behind counts too
    expect(await restarted.nextId()).toBe(6);
    await expect(restarted.begin(2)).rejects.toThrow(/checkpoint 2 already exists/);
  });

  it('refuses to complete a checkpoint whose files are not all there', async () => {
    const s = store();
    await s.begin(1);
    const handle = await writeTaskSnapshot(s.dir, 1, taskSnapshot([1]));
    const missing: TaskStateHandle = { ...handle, subtask: 1, file: 'window-agg.1.snap' };
    await expect(s.complete(completion(1, [handle, missing]))).rejects.toThrow(
      /window-agg.1.snap is missing/,
    );
    expect((await s.list())[0]!.status).toBe('incomplete');
  });

  it('writes a savepoint through begin/complete into the target directory, never pruned', async () => {
    const s = store(1);
    const target = join(root, 'savepoints', 'sp-1');
    const id = await s.nextId();
    expect(await s.begin(id, { kind: 'savepoint', targetDir: target })).toBe(target);
    const { writeEncodedSnapshot } = await import(
      '../../../../services/engine/checkpoint/task-snapshot-file.ts'
    );
    const { encodeTaskSnapshot } = await import('../../../../services/engine/checkpoint/snapshot-codec.ts');
    const snapshot = taskSnapshot([1]);
    const handle = await writeEncodedSnapshot(target, snapshot, encodeTaskSnapshot(snapshot));
    const done = await s.complete({ ...completion(id, [handle]), kind: 'savepoint' });
    expect(done).toMatchObject({ dir: target, manifest: { kind: 'savepoint', id: 1 } });
    await checkpoint(s);
    await checkpoint(s);
    expect(await readdir(target)).toContain('_manifest.json');
    await expect(s.begin(9, { kind: 'savepoint', targetDir: target })).rejects.toThrow(
      /a savepoint already exists/,
    );
    const existing = join(root, 'mine');
    await mkdir(existing);
    await writeFile(join(existing, 'keep.txt'), 'x');
    await s.begin(10, { kind: 'savepoint', targetDir: existing });
    await writeEncodedSnapshot(existing, snapshot, encodeTaskSnapshot(snapshot));
    await s.abort(10);
    expect(await readdir(existing)).toEqual(['keep.txt']);
  });
});
