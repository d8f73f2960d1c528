import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointsCommand, formatBytes } from '../../../../services/cli/commands/checkpoints.ts';
import { CheckpointStore } from '../../../../services/engine/checkpoint/checkpoint-store.ts';
import { writeTaskSnapshot } from '../../../../services/engine/checkpoint/task-snapshot-file.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { completion, taskSnapshot, tempDir } from '../../engine/checkpoint/fixtures.ts';

const T0 = Date.UTC(2024, 10, 24, 16, 0, 0);

describe('eddy checkpoints', () => {
  let root: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ dir: root, remove } = await tempDir());
  });
  afterEach(() => remove());

  async function run(...args: string[]): Promise<string> {
    const out: string[] = [];
    await checkpointsCommand({ stdout: { write: (t: string) => out.push(t) } })
      .exitOverride()
      .parseAsync(args, { from: 'user' });
    return out.join('');
  }

  /** Checkpoints 1 (complete), 2 (a flipped byte) and 3 (no manifest yet). */
  async function threeCheckpoints(): Promise<{ dir: string; bytes: number }> {
    const dir = join(root, 'checkpoints');
    const store = new CheckpointStore({ dir, clock: new ManualClock(T0) });
    let bytes = 0;
    for (const id of [1, 2]) {
      await store.begin(id);
      const handle = await writeTaskSnapshot(dir, id, taskSnapshot([1, 2, 3]));
      bytes = handle.bytes;
      await store.complete(completion(id, [handle]));
    }
    const file = join(store.checkpointDir(2), 'window-agg.0.snap');
    const content = await readFile(file);
    content[30] = content[30]! ^ 1;
    await writeFile(file, content);
    await store.begin(3);
    return { dir, bytes };
  }

  it('prints a table, newest first, with time, size, duration, keys and status', async () => {
    const { dir, bytes } = await threeCheckpoints();
    const size = formatBytes(bytes);
    const text = await run('--checkpoint-dir', dir);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['id', 'kind', 'time', 'size', 'duration', 'keys', 'status']);
    expect(lines[1]!.split(/\s{2,}/)).toEqual(['3', '-', '-', '0 B', '-', '-', 'incomplete: no manifest']);
    expect(lines[2]!.split(/\s{2,}/)).toEqual([
      '2',
      'checkpoint',
      '2024-11-24T16:00:00.000Z',
      size,
      '42 ms',
      '6',
      'corrupt: checksum mismatch in window-agg.0.snap',
    ]);
    expect(lines[3]!.split(/\s{2,}/)).toEqual([
      '1',
      'checkpoint',
      '2024-11-24T16:00:00.000Z',
      size,
      '42 ms',
      '6',
      'complete',
    ]);
    // columns line up
    expect(lines.map((l) => l.indexOf(l.includes('status') ? 'status' : l.split(/\s{2,}/)[6]!))).toEqual(
      Array(4).fill(lines[0]!.indexOf('status')),
    );
  });

  it('prints JSON with --json', async () => {
    const { dir, bytes } = await threeCheckpoints();
    const body = JSON.parse(await run('--checkpoint-dir', dir, '--json'));
    expect(body.checkpoints.map((c: { id: number; status: string }) => [c.id, c.status])).toEqual([
      [3, 'incomplete'],
      [2, 'corrupt'],
      [1, 'complete'],
    ]);
    expect(body.checkpoints[2]).toEqual({
      id: 1,
      kind: 'checkpoint',
      dir: join(dir, 'chk-1'),
      status: 'complete',
      createdAt: T0,
      durationMs: 42,
      bytes,
      keys: 6,
    });
  });

  it('says so when there are none', async () => {
    expect(await run('--checkpoint-dir', join(root, 'none'))).toBe(
      `No checkpoints in ${join(root, 'none')}.\n`,
    );
  });

  it('formats sizes', () => {
    expect([formatBytes(532), formatBytes(1_229), formatBytes(50_331_648)]).toEqual([
      '532 B',
      '1.2 KiB',
      '48.0 MiB',
    ]);
  });
});
