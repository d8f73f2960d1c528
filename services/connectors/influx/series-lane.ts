import type { IPoint } from 'influx';
import type { Logger } from '../../common/logger.ts';
import type { Random } from '../../common/random.ts';
import type { Cancel, Clock } from '../../engine/time/clock.ts';
import type { InfluxSinkLimits } from './influx-sink-options.ts';
import { classifyWriteFailure, describeWriteFailure, type WriteFailure } from './influx-write-failure.ts';
import { backoffDelay } from './retry-backoff.ts';

const NEVER_SUCCEEDS =
  'Sending them again cannot succeed: fix the data or the schema (a field keeps the type it was first written with).';

/** Counters shared by the lanes of one sink (mutated in place). */
export interface LaneCounts {
  pointsWritten: number;
  batchesWritten: number;
  retries: number;
  pointsDropped: number;
  batchesDropped: number;
}

/**
 * The lane (of `count`) of a point's series (measurement + tags), so that a series always uses the
 * same lane. The series is hashed in place (32-bit FNV-1a over the measurement and each tag's name
 * and value, in the tags' order), building no string: it runs for every point written.
 *
 * @example
 * laneIndex({ measurement: 'm', tags: { s: 'a' }, fields: { v: 1 } }, 2); // 0 or 1, always the same
 */
export function laneIndex(point: IPoint, count: number): number {
  if (count === 1) return 0;
  let hash = hashInto(FNV_OFFSET, point.measurement ?? '');
  const tags = point.tags;
  if (tags) {
    for (const name in tags)
      hash = hashInto(hashInto(Math.imul(hash ^ 0x2c, FNV_PRIME), name), tags[name] ?? '');
  }
  return (hash >>> 0) % count;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of `text`'s UTF-16 code units, continuing from `hash`; a separator (0x3d) closes it. */
function hashInto(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return Math.imul(h ^ 0x3d, FNV_PRIME);
}

/** What a lane needs from its sink. */
export interface SeriesLaneHost {
  readonly name: string;
  readonly endpoint: string;
  readonly limits: InfluxSinkLimits;
  readonly logger: Logger;
  readonly counts: LaneCounts;
  readonly clock: Clock;
  readonly random: Random;
  /** False until the sink is open, and after it gave up: nothing is sent meanwhile. */
  canSend(): boolean;
  /** One attempt to write a batch. */
  attempt(batch: IPoint[]): Promise<void>;
  /** Called on every failed attempt, before the lane retries or drops. */
  failed(failure: WriteFailure): void;
  /** Called whenever points settle (acknowledged or dropped). */
  settled(): void;
}

/**
 * One ordered queue of points: sends one batch at a time (a full one as soon as `batchSize` points
 * wait, a partial one once its points are due) and retries it until it settles before sending the
 * next, so the points of a series always reach InfluxDB in write order.
 */
export class SeriesLane {
  /** Points ever accepted / settled (acknowledged or dropped); `settled <= accepted`. */
  accepted = 0;
  settled = 0;
  private buffer: IPoint[] = [];
  /** Points up to this count are due now (the flush timer fired, or `flush()` was called). */
  private dueUpTo = 0;
  /** The batch being sent or waiting for its retry. */
  private current: IPoint[] | undefined;
  private attempts = 0;
  private cancelRetry: Cancel | undefined;
  /** Whether an attempt to write `current` has not answered yet. */
  private awaitingAnswer = false;
  /** `current` was handed over to the spill: it is not retried after the attempt on its way. */
  private handedOver = false;

  constructor(private readonly host: SeriesLaneHost) {}

  get buffered(): number {
    return this.accepted - this.settled;
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  add(point: IPoint): void {
    this.buffer.push(point);
    this.accepted++;
    if (this.buffer.length >= this.host.limits.batchSize) this.dispatch();
  }

  /** Makes every point accepted so far due; returns that count (a flush target). */
  markDue(): number {
    this.dueUpTo = this.accepted;
    this.dispatch();
    return this.accepted;
  }

  /** Sends the next batch if the lane is idle and a batch is full or due. */
  dispatch(): void {
    const host = this.host;
    if (this.current || this.buffer.length === 0 || !host.canSend()) return;
    const { batchSize } = host.limits;
    if (this.buffer.length < batchSize && this.dueUpTo <= this.settled) return;
    if (this.buffer.length <= batchSize) {
      this.current = this.buffer;
      this.buffer = [];
    } else {
      this.current = this.buffer.slice(0, batchSize);
      this.buffer = this.buffer.slice(batchSize);
    }
    this.attempts = 0;
    this.handedOver = false;
    this.send(this.current);
  }

  /** Forgets every unsettled point (counted by the caller) and cancels a pending retry; returns how many. */
  abandon(): number {
    const lost = this.buffered;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    this.current = undefined;
    this.buffer = [];
    this.settled = this.accepted;
    return lost;
  }

  /**
   * Gives every unsettled point to the caller (the spill queue), oldest first: a copy of the batch
   * being sent and everything waiting behind it. The waiting points count as settled at once; the
   * batch being sent settles when its attempt on the way answers (written or not: its copy is in
   * the spill), or at once if it only waited for a retry. Nothing is retried afterwards.
   */
  handOver(): IPoint[] {
    const points = [...(this.current ?? []), ...this.buffer];
    this.settled += this.buffer.length;
    this.buffer = [];
    if (this.current && !this.awaitingAnswer) {
      this.cancelRetry?.();
      this.cancelRetry = undefined;
      this.settled += this.current.length;
      this.current = undefined;
    } else if (this.current) {
      this.handedOver = true;
    }
    return points;
  }

  /** Cancels a pending retry timer (the batch stays unsettled). */
  stopTimers(): void {
    this.cancelRetry?.();
    this.cancelRetry = undefined;
  }

  private send(batch: IPoint[]): void {
    this.attempts++;
    this.awaitingAnswer = true;
    this.host.attempt(batch).then(
      () => this.written(batch),
      (error: unknown) => this.failed(batch, error),
    );
  }

  private written(batch: IPoint[]): void {
    if (this.current !== batch) return;
    this.awaitingAnswer = false;
    const host = this.host;
    if (this.attempts > 1) {
      host.logger.info(
        { sink: host.name, endpoint: host.endpoint, attempts: this.attempts },
        `${host.name}: ${host.endpoint} accepts writes again (after ${this.attempts - 1} retries)`,
      );
    }
    host.counts.pointsWritten += batch.length;
    host.counts.batchesWritten++;
    this.settle(batch.length);
  }

  private failed(batch: IPoint[], error: unknown): void {
    if (this.current !== batch) return;
    this.awaitingAnswer = false;
    const host = this.host;
    const failure = classifyWriteFailure(error);
    host.failed(failure);
    if (this.current !== batch) return; // handed over to the spill by `failed`, settled there
    if (this.handedOver) {
      this.settle(batch.length); // its copy waits in the spill queue
      return;
    }
    const description = describeWriteFailure(failure);
    if (failure.kind === 'permanent') {
      this.drop(batch, failure, NEVER_SUCCEEDS);
    } else if (this.attempts > host.limits.maxRetries) {
      const reason = `gave up after ${this.attempts} attempts: ${description}`;
      this.drop(
        batch,
        { ...failure, reason },
        'Raise maxRetries (default: unlimited) to keep trying longer.',
      );
    } else {
      this.retryLater(batch, description);
    }
  }

  private retryLater(batch: IPoint[], description: string): void {
    const host = this.host;
    const delayMs = backoffDelay(this.attempts, host.random, host.limits.backoff);
    host.counts.retries++;
    host.logger.warn(
      { sink: host.name, endpoint: host.endpoint, points: batch.length, attempt: this.attempts, delayMs },
      `${host.name}: writing ${batch.length} points to ${host.endpoint} failed (${description}); ` +
        `retrying in ${delayMs} ms`,
    );
    this.cancelRetry = host.clock.setTimeout(() => {
      this.cancelRetry = undefined;
      if (this.current === batch) this.send(batch);
    }, delayMs);
  }

  private drop(batch: IPoint[], failure: WriteFailure, hint: string): void {
    const host = this.host;
    const dropped = Math.min(batch.length, failure.droppedPoints ?? batch.length);
    host.counts.pointsDropped += dropped;
    host.counts.pointsWritten += batch.length - dropped;
    host.counts.batchesDropped++;
    host.logger.error(
      { sink: host.name, endpoint: host.endpoint, points: batch.length, dropped, status: failure.status },
      `${host.name}: ${host.endpoint} refused a batch of ${batch.length} points ` +
        `(${describeWriteFailure(failure)}); dropped ${dropped} of them. ${hint}`,
    );
    this.settle(batch.length);
  }

  private settle(count: number): void {
    this.current = undefined;
    this.handedOver = false;
    this.settled += count;
    this.host.settled();
    this.dispatch();
  }
}
