import {
  type BatchMessage,
  type CreditMessage,
  type DataPort,
  MARK_ACTIVE,
  MARK_BARRIER,
  MARK_END,
  MARK_IDLE,
  MARK_WATERMARK,
} from './channel-messages.ts';
import type { ChannelOptions } from './channel-options.ts';
import type { ChannelLabel, ChannelMetrics, ExchangeOutput } from './exchange-output.ts';
import type { OutputAvailability } from './output-availability.ts';
import type { RecordCodec, RecordEncoder } from './record-codec.ts';

const NO_TIMESTAMPS = new Float64Array(0);
const NO_BUFFER = new ArrayBuffer(0);

/**
 * The producing end of a channel to another thread: builds batches (records, their timestamps, and
 * markers in band) and posts them. Credit-based: at most `capacity` batches are in flight; the
 * consumer returns one credit per batch it has processed.
 *
 * A batch is sent when it holds `batchSize` records, or once it is `lingerMs` old (at the end
 * of the event-loop turn with 0), so a trickle of records is not held back for long. With no
 * credit left and a full batch, the writer blocks its task's {@link OutputAvailability}: the task
 * pauses its source or stops taking input. Records that still arrive (the rest of a source's
 * batch) go into the pending batch, which is sent whole when credit returns: no queue grows
 * beyond that one batch. Buffers come back with the credit and are reused.
 */
export class ChannelWriter<T> implements ExchangeOutput<T> {
  private readonly encoder: RecordEncoder<T>;
  private readonly batchSize: number;
  private readonly capacity: number;
  private readonly lingerMs: number;
  private timestamps: Float64Array;
  /** Timestamp buffers back from the consumer, for reuse. */
  private readonly spareTimestamps: ArrayBuffer[] = [];
  private count = 0;
  private markers: number[] = [];
  private credits: number;
  private blocked = false;
  private flushScheduled = false;
  private flushRequested = false;
  private ended = false;
  private closed = false;
  private lastBarrier = Number.NEGATIVE_INFINITY;
  private batchesSent = 0;
  private recordsSent = 0;
  private timesBlocked = 0;
  private largestBatch = 0;

  constructor(
    readonly label: ChannelLabel,
    private readonly port: DataPort,
    codec: RecordCodec<T>,
    options: ChannelOptions,
    private readonly availability: OutputAvailability,
    /** A batch sent from a timer or on credit could not be sent (it is not cloneable): fail the job. */
    private readonly onFailure: (error: unknown) => void = (error) => {
      throw error;
    },
  ) {
    this.encoder = codec.createEncoder();
    this.batchSize = options.batchSize;
    this.capacity = options.capacity;
    this.lingerMs = options.lingerMs;
    this.credits = options.capacity;
    this.timestamps = new Float64Array(options.batchSize);
    port.on('message', this.onCredit);
  }

  collect(value: T, timestamp: number): void {
    if (this.ended) return;
    const count = this.count;
    if (count === this.timestamps.length) this.growTimestamps();
    this.timestamps[count] = timestamp;
    this.encoder.add(value);
    this.count = count + 1;
    if (count + 1 >= this.batchSize) this.onFull();
    else if (!this.flushScheduled) this.scheduleFlush();
  }

  emitWatermark(watermark: number): void {
    if (this.ended) return;
    const markers = this.markers;
    const last = markers.length - 3;
    // Consecutive watermarks with no record between them: only the last one matters.
    if (last >= 0 && markers[last] === this.count && markers[last + 1] === MARK_WATERMARK) {
      markers[last + 2] = watermark;
    } else {
      this.mark(MARK_WATERMARK, watermark);
    }
  }

  markIdle(): void {
    if (!this.ended) this.mark(MARK_IDLE, 0);
  }

  markActive(): void {
    if (!this.ended) this.mark(MARK_ACTIVE, 0);
  }

  emitBarrier(checkpointId: number): void {
    if (this.ended || checkpointId <= this.lastBarrier) return; // a repeat (several paths to this exchange)
    this.lastBarrier = checkpointId;
    this.mark(MARK_BARRIER, checkpointId);
  }

  end(): void {
    if (this.ended) return;
    this.mark(MARK_END, 0);
    this.ended = true;
  }

  /** Stops listening for credit and closes the port (the job is over). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.off('message', this.onCredit);
    this.port.close();
  }

  metrics(): ChannelMetrics {
    const inFlight = this.capacity - this.credits;
    return {
      ...this.label,
      inFlight,
      capacity: this.capacity,
      fill: inFlight / this.capacity,
      pendingRecords: this.count,
      blocked: this.blocked,
      batchesSent: this.batchesSent,
      recordsSent: this.recordsSent,
      timesBlocked: this.timesBlocked,
      largestBatch: this.largestBatch,
    };
  }

  private mark(kind: number, value: number): void {
    this.markers.push(this.count, kind, value);
    if (!this.flushScheduled) this.scheduleFlush();
  }

  private onFull(): void {
    if (this.credits > 0) this.send();
    else if (!this.blocked) {
      this.blocked = true;
      this.timesBlocked++;
      this.availability.block();
    }
  }

  private scheduleFlush(): void {
    this.flushScheduled = true;
    if (this.lingerMs === 0) setImmediate(this.flushLingering);
    else setTimeout(this.flushLingering, this.lingerMs).unref();
  }

  private readonly flushLingering = (): void => {
    this.flushScheduled = false;
    if (this.closed || (this.count === 0 && this.markers.length === 0)) return;
    this.flushRequested = true;
    if (this.credits > 0) this.guarded();
  };

  /** A send outside the producer's own call (timer, credit): a failure goes to `onFailure`. */
  private guarded(): void {
    try {
      this.send();
    } catch (error) {
      this.closed = true;
      this.onFailure(error);
    }
  }

  private readonly onCredit = (message: CreditMessage): void => {
    if (this.closed) return;
    this.credits += message.credit;
    if (message.buffers) this.recycle(message.buffers);
    const pending = this.count > 0 || this.markers.length > 0;
    if (pending && (this.flushRequested || this.count >= this.batchSize)) this.guarded();
    if (this.blocked && this.count < this.batchSize) {
      this.blocked = false;
      this.availability.unblock();
    }
  };

  private send(): void {
    if (this.closed) return;
    const count = this.count;
    const encoded = this.encoder.finish();
    // A batch of markers only carries no buffer (the shared empty ones must never be transferred).
    const timestamps = count > 0 ? (this.timestamps.buffer as ArrayBuffer) : NO_BUFFER;
    const buffers = count > 0 ? [timestamps, ...encoded.transfer] : [];
    const batch: BatchMessage = {
      count,
      timestamps,
      payload: encoded.payload,
      markers: this.markers,
      buffers,
    };
    this.credits--;
    this.batchesSent++;
    this.recordsSent += count;
    if (count > this.largestBatch) this.largestBatch = count;
    this.count = 0;
    this.markers = [];
    this.flushRequested = false;
    if (count > 0) this.timestamps = NO_TIMESTAMPS; // the next record takes a spare (or allocates)
    try {
      this.port.postMessage(batch, buffers);
    } catch (error) {
      const { exchange, from, to } = this.label;
      throw new Error(
        `channel ${exchange} ${from}→${to}: cannot send a batch to the other thread (${(error as Error).message}); ` +
          'records crossing threads must be structured-cloneable (no functions), or set a codec with ' +
          'env.setRecordCodec',
        { cause: error },
      );
    }
  }

  private recycle(buffers: readonly ArrayBuffer[]): void {
    const [timestamps, ...encoded] = buffers;
    // Keep at most one spare per batch that can be in flight, each big enough for a full batch.
    if (
      timestamps &&
      timestamps.byteLength === this.batchSize * 8 &&
      this.spareTimestamps.length < this.capacity
    ) {
      this.spareTimestamps.push(timestamps);
    }
    if (encoded.length > 0) this.encoder.recycle?.(encoded);
  }

  private growTimestamps(): void {
    if (this.timestamps.length === 0) {
      const spare = this.spareTimestamps.pop();
      this.timestamps = spare ? new Float64Array(spare) : new Float64Array(this.batchSize);
      return;
    }
    const grown = new Float64Array(this.timestamps.length * 2);
    grown.set(this.timestamps);
    this.timestamps = grown;
  }
}
