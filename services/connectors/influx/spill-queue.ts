import { type FileHandle, mkdir, open, readdir, readFile, stat, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { IPoint } from 'influx';
import { type Logger, silentLogger } from '../../common/logger.ts';
import { decodeSpilledPoint, encodeSpilledPoint, SpillCorruptError } from './spill-point-codec.ts';

/** Size at which the segment being appended to is closed and a new one started. */
export const DEFAULT_SPILL_SEGMENT_BYTES = 8 * 1024 * 1024;

const SEGMENT_NAME = /^segment-(\d{12})\.jsonl$/;

/** Where a {@link SpillQueue} keeps its segments, and how much. */
export interface SpillQueueOptions {
  /** Folder of the segment files (created if missing). One queue per folder. */
  readonly dir: string;
  /** Bytes (on disk and waiting to be written) at which the queue counts as {@link SpillQueue.full}. */
  readonly maxBytes: number;
  /** Segment size before the next one is started. Default 8 MiB. */
  readonly segmentBytes?: number;
  /** Called after a background write or a removal changed {@link SpillQueue.bytes}. */
  readonly onChange?: () => void;
  readonly logger?: Logger;
  /** Who owns the queue, for logs (a sink's name). */
  readonly name?: string;
}

/** One segment's points, oldest first, as read back by {@link SpillQueue.readOldest}. */
export interface SpilledSegment {
  readonly id: number;
  readonly points: IPoint[];
  readonly bytes: number;
}

interface Segment {
  readonly id: number;
  bytes: number;
  read: boolean;
}

/**
 * An append-only queue of points on disk: segment files `segment-<12 digits>.jsonl`, one JSON point
 * per line (see `spill-point-codec.ts`). `append` is synchronous and only queues the text; one
 * background chain of file operations writes it, so the operations never overlap and always run
 * in call order. `sync()` resolves once everything appended before it is written and fsynced.
 * Segments are read back oldest first and removed by the caller once their points are safe
 * elsewhere. `SpillQueue.open` finds the segments a previous process left, oldest first; a
 * partial last line (a crash in the middle of a write) is cut off with a warning.
 *
 * @example
 * const queue = await SpillQueue.open({ dir: '.eddy/spill/influx', maxBytes: 1024 ** 3 });
 * queue.append(points);
 * await queue.sync(); // durable
 * const segment = await queue.readOldest(); // { id, points, bytes }
 * await queue.remove(segment.id);
 */
export class SpillQueue {
  private readonly segments: Segment[];
  private readonly segmentBytes: number;
  private active: { readonly segment: Segment; readonly handle: FileHandle } | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private diskBytes: number;
  private nextId: number;
  private ops: Promise<unknown> = Promise.resolve();
  private writeQueued = false;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly options: SpillQueueOptions,
    found: Segment[],
  ) {
    this.segments = found;
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SPILL_SEGMENT_BYTES;
    this.diskBytes = found.reduce((sum, s) => sum + s.bytes, 0);
    this.nextId = (found[found.length - 1]?.id ?? 0) + 1;
  }

  /** Opens (creating) `options.dir`, with the segments a previous process left in it. */
  static async open(options: SpillQueueOptions): Promise<SpillQueue> {
    if (!(options.maxBytes > 0)) throw new RangeError(`spill maxBytes must be > 0, got ${options.maxBytes}`);
    await mkdir(options.dir, { recursive: true });
    const found: Segment[] = [];
    for (const name of (await readdir(options.dir)).sort()) {
      const match = SEGMENT_NAME.exec(name);
      if (!match) continue;
      const { size } = await stat(join(options.dir, name));
      if (size === 0) await unlink(join(options.dir, name));
      else found.push({ id: Number(match[1]), bytes: size, read: false });
    }
    const last = found[found.length - 1];
    if (last) {
      last.bytes = await cutPartialRecord(segmentPath(options.dir, last.id), options);
      if (last.bytes === 0) found.pop();
    }
    return new SpillQueue(options, found);
  }

  /** Bytes on disk plus bytes appended and not written yet. */
  get bytes(): number {
    return this.diskBytes + this.pendingBytes;
  }

  /** Segment files now (the one being appended to included). */
  get segmentCount(): number {
    return this.segments.length;
  }

  /** True once {@link bytes} reached `maxBytes`. */
  get full(): boolean {
    return this.bytes >= this.options.maxBytes;
  }

  /** Whether points wait that {@link readOldest} has not returned yet. */
  get hasUnread(): boolean {
    return this.pendingBytes > 0 || this.segments.some((s) => !s.read);
  }

  get dir(): string {
    return this.options.dir;
  }

  /** Queues `points` for writing (in a background file operation); returns the bytes they take. */
  append(points: readonly IPoint[]): number {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error(`spill queue ${this.options.dir} is closed`);
    let text = '';
    for (const point of points) text += encodeSpilledPoint(point);
    const bytes = Buffer.byteLength(text);
    this.pending.push(text);
    this.pendingBytes += bytes;
    if (!this.writeQueued) {
      this.writeQueued = true;
      void this.enqueue(() => this.writePending()).catch(() => {}); // reported by sync()
    }
    return bytes;
  }

  /** Resolves once everything appended before the call is written and fsynced. */
  sync(): Promise<void> {
    return this.enqueue(async () => {
      await this.writePending();
      await this.active?.handle.datasync();
    });
  }

  /**
   * The oldest segment not returned yet (the one being appended to is closed first, so later
   * appends go to a new one), or `undefined` when every point appended was returned.
   */
  readOldest(): Promise<SpilledSegment | undefined> {
    return this.enqueue(async () => {
      await this.writePending();
      const segment = this.segments.find((s) => !s.read);
      if (!segment) return undefined;
      if (this.active?.segment === segment) await this.seal();
      const path = segmentPath(this.options.dir, segment.id);
      const text = await readFile(path, 'utf8');
      const lines = text.split('\n');
      if (lines.pop() !== '') throw new SpillCorruptError(`${path} does not end with a whole record`);
      const points = lines.map((line, i) => decodeSpilledPoint(line, `${path} line ${i + 1}`));
      segment.read = true;
      return { id: segment.id, points, bytes: segment.bytes };
    });
  }

  /** Deletes segment `id` (returned by {@link readOldest}): its points are safe elsewhere. */
  remove(id: number): Promise<void> {
    return this.enqueue(async () => {
      const at = this.segments.findIndex((s) => s.id === id);
      const segment = this.segments[at];
      if (!segment?.read) throw new Error(`spill segment ${id} was not read, so it cannot be removed`);
      await unlink(segmentPath(this.options.dir, id));
      this.segments.splice(at, 1);
      this.diskBytes -= segment.bytes;
      this.options.onChange?.();
    });
  }

  /** Writes and fsyncs what was appended, then closes the file; the segments stay for the next open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.enqueue(async () => {
      await this.writePending();
      if (this.active) await this.seal();
    });
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.ops.then(() => {
      if (this.failure) throw this.failure;
      return op();
    });
    this.ops = run.catch((error: unknown) => {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
      this.options.logger?.error(
        { sink: this.options.name, dir: this.options.dir, err: this.failure },
        `${this.options.name ?? 'spill'}: the spill queue in ${this.options.dir} failed: ${this.failure.message}`,
      );
    });
    return run;
  }

  private async writePending(): Promise<void> {
    this.writeQueued = false;
    if (this.pendingBytes === 0) return;
    if (this.active && this.active.segment.bytes >= this.segmentBytes) await this.seal();
    const active = this.active ?? (await this.startSegment());
    const text = this.pending.join('');
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.diskBytes += bytes;
    active.segment.bytes += bytes;
    await active.handle.write(text);
    this.options.onChange?.();
  }

  private async startSegment(): Promise<{ segment: Segment; handle: FileHandle }> {
    const segment: Segment = { id: this.nextId++, bytes: 0, read: false };
    const handle = await open(segmentPath(this.options.dir, segment.id), 'a');
    const dir = await open(this.options.dir, 'r');
    try {
      await dir.sync(); // the new file's name is durable too
    } finally {
      await dir.close();
    }
    this.segments.push(segment);
    this.active = { segment, handle };
    return this.active;
  }

  private async seal(): Promise<void> {
    const active = this.active!;
    this.active = undefined;
    await active.handle.datasync();
    await active.handle.close();
  }
}

function segmentPath(dir: string, id: number): string {
  return join(dir, `segment-${String(id).padStart(12, '0')}.jsonl`);
}

/** Cuts a partial last line (a crash while appending) off the segment at `path`; returns its size. */
async function cutPartialRecord(path: string, options: SpillQueueOptions): Promise<number> {
  const text = await readFile(path);
  if (text.length === 0 || text[text.length - 1] === 0x0a) return text.length;
  const keep = text.lastIndexOf(0x0a) + 1;
  await truncate(path, keep);
  (options.logger ?? silentLogger).warn(
    { sink: options.name, path, dropped: text.length - keep },
    `${options.name ?? 'spill'}: ${path} ended with a partial record (${text.length - keep} bytes, written ` +
      'when the process stopped); it was cut off, the whole records before it are kept',
  );
  if (keep === 0) await unlink(path);
  return keep;
}
