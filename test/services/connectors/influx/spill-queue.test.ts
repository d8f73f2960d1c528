import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpillCorruptError } from '../../../../services/connectors/influx/spill-point-codec.ts';
import { SpillQueue } from '../../../../services/connectors/influx/spill-queue.ts';
import { captureLogger, label, point } from './fake-influx-writer.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'eddy-spill-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const points = (series: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => point(series, from + i));

async function readAll(queue: SpillQueue): Promise<string[]> {
  const out: string[] = [];
  for (let segment = await queue.readOldest(); segment; segment = await queue.readOldest()) {
    out.push(...segment.points.map(label));
    await queue.remove(segment.id);
  }
  return out;
}

describe('SpillQueue', () => {
  it('gives the points back oldest first, across segments, and deletes the segments removed', async () => {
    const dir = await tempDir();
    const queue = await SpillQueue.open({ dir, maxBytes: 1e6, segmentBytes: 200 });
    queue.append(points('a', 1, 3));
    queue.append(points('b', 4, 6));
    await queue.sync();
    queue.append(points('a', 7, 9));
    await queue.sync();
    expect(queue.segmentCount).toBeGreaterThan(1);
    expect(queue.hasUnread).toBe(true);
    expect(await readAll(queue)).toEqual(['a@1', 'a@2', 'a@3', 'b@4', 'b@5', 'b@6', 'a@7', 'a@8', 'a@9']);
    expect(queue.hasUnread).toBe(false);
    expect(queue.bytes).toBe(0);
    expect(await readdir(dir)).toEqual([]);
    await queue.close();
  });

  it('keeps what was synced across a crash: a new queue on the same folder reads it first', async () => {
    const dir = await tempDir();
    const first = await SpillQueue.open({ dir, maxBytes: 1e6, segmentBytes: 100 });
    first.append(points('a', 1, 4));
    await first.sync();
    // no close(): the process died here
    const second = await SpillQueue.open({ dir, maxBytes: 1e6, segmentBytes: 100 });
    expect(second.segmentCount).toBeGreaterThan(0);
    second.append(points('a', 5, 6));
    expect(await readAll(second)).toEqual(['a@1', 'a@2', 'a@3', 'a@4', 'a@5', 'a@6']);
    await second.close();
  });

  it('counts bytes against maxBytes: full until segments are removed', async () => {
    const dir = await tempDir();
    const queue = await SpillQueue.open({ dir, maxBytes: 300, segmentBytes: 100 });
    queue.append(points('a', 1, 2));
    expect(queue.full).toBe(false);
    queue.append(points('a', 3, 6));
    expect(queue.bytes).toBeGreaterThanOrEqual(300);
    expect(queue.full).toBe(true);
    await queue.sync();
    expect(queue.full).toBe(true);
    await readAll(queue);
    expect(queue.full).toBe(false);
    await queue.close();
  });

  it('cuts a partial record off the last segment (a crash in the middle of a write), with a warning', async () => {
    const dir = await tempDir();
    const first = await SpillQueue.open({ dir, maxBytes: 1e6 });
    first.append(points('a', 1, 2));
    await first.close();
    const [segment] = await readdir(dir);
    await appendFile(join(dir, segment!), '{"measurement":"m","tags":{"s":"a"},"fie');
    const { logger, entries } = captureLogger();
    const second = await SpillQueue.open({ dir, maxBytes: 1e6, logger, name: 'influx:test' });
    expect(entries.filter((e) => e.level === 'warn' && /partial record .*cut off/.test(e.msg))).toHaveLength(
      1,
    );
    expect(await readAll(second)).toEqual(['a@1', 'a@2']);
    await second.close();
  });

  it('refuses a damaged segment with an error naming the file and line', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'segment-000000000001.jsonl'),
      '{"measurement":"m","fields":{"v":1}}\nnot json\n',
    );
    const queue = await SpillQueue.open({ dir, maxBytes: 1e6 });
    const read = queue.readOldest();
    await expect(read).rejects.toThrow(SpillCorruptError);
    await expect(read).rejects.toThrow(
      /segment-000000000001\.jsonl line 2 is not JSON .*Move the segment away/,
    );
  });

  it('ignores files that are not segments and removes empty segments', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await writeFile(join(dir, 'segment-000000000003.jsonl'), '');
    const queue = await SpillQueue.open({ dir, maxBytes: 1e6 });
    expect(queue.segmentCount).toBe(0);
    expect(await readdir(dir)).toEqual(['notes.txt']);
    await queue.close();
  });
});
