import { type ValveListener, WatermarkValve } from '../../time/watermark-valve.ts';
import type { Downstream } from '../output.ts';
import {
  type BatchMessage,
  type CreditMessage,
  type DataPort,
  MARK_ACTIVE,
  MARK_END,
  MARK_IDLE,
  MARK_WATERMARK,
} from './channel-messages.ts';
import type { OutputAvailability } from './output-availability.ts';
import type { RecordCodec, RecordDecoder } from './record-codec.ts';

/** What an input gate tells the task it feeds. */
export interface GateListener {
  /** Every input is idle (`true`), or one is active again (`false`): forward to the task's outputs. */
  onIdleChange(idle: boolean): void;
  /** Every input ended: the task's chain has seen its last element. */
  onEnded(): void;
  /** Processing a batch threw (a user function failed): the job must fail. */
  onFailure(error: unknown): void;
}

interface RemoteInput<T> {
  readonly port: DataPort;
  readonly decoder: RecordDecoder<T>;
  readonly listener: (batch: BatchMessage) => void;
}

/**
 * The consuming side of one exchange for one task: its input channels (one per producing task),
 * the watermark valve over them (the task's watermark is the minimum over its active inputs), and
 * the head of the task's chain.
 *
 * Batches are processed in arrival order while the task's outputs have room; otherwise they wait
 * here, which is bounded: a producer has at most `capacity` batches without credit, and credit is
 * only returned once a batch has been processed.
 */
export class InputGate<T> implements ValveListener {
  private readonly valve: WatermarkValve;
  private readonly remotes: (RemoteInput<T> | undefined)[];
  private readonly queue: { input: number; batch: BatchMessage }[] = [];
  private processing = false;
  private failed = false;
  private endedNotified = false;

  constructor(
    readonly name: string,
    inputs: number,
    private readonly head: Downstream<T>,
    private readonly listener: GateListener,
    private readonly availability: OutputAvailability,
  ) {
    this.valve = new WatermarkValve(inputs, this);
    this.remotes = new Array(inputs).fill(undefined);
    availability.onChange((available) => {
      if (available) this.drain();
    });
  }

  get watermark(): number {
    return this.valve.watermark;
  }

  get ended(): boolean {
    return this.valve.ended;
  }

  /** Batches received and not processed yet (waiting for the task's outputs to have room). */
  get queuedBatches(): number {
    return this.queue.length;
  }

  /** Connects input `input` to a channel from another thread. */
  attach(input: number, port: DataPort, codec: RecordCodec<T>): void {
    const listener = (batch: BatchMessage) => {
      this.queue.push({ input, batch });
      this.drain();
    };
    this.remotes[input] = { port, decoder: codec.createDecoder(), listener };
    port.on('message', listener);
  }

  /** A record from a producer in this thread (a local channel). */
  localRecord(value: T, timestamp: number): void {
    this.head.collect(value, timestamp);
  }

  /** A marker from a producer in this thread (a local channel). */
  localMarker(input: number, kind: number, value: number): void {
    this.apply(input, kind, value);
  }

  /** Stops listening to every channel and closes their ports. */
  close(): void {
    for (const remote of this.remotes) {
      if (!remote) continue;
      remote.port.off('message', remote.listener);
      remote.port.close();
    }
    this.queue.length = 0;
  }

  onWatermark(watermark: number): void {
    this.head.emitWatermark(watermark);
  }

  onIdleChange(idle: boolean): void {
    this.listener.onIdleChange(idle);
  }

  private drain(): void {
    if (this.processing || this.failed) return;
    this.processing = true;
    try {
      while (this.queue.length > 0 && this.availability.available) {
        const { input, batch } = this.queue.shift()!;
        this.process(input, batch);
        const credit: CreditMessage = { credit: 1, buffers: batch.buffers };
        this.remotes[input]!.port.postMessage(credit, batch.buffers);
      }
    } catch (error) {
      this.failed = true;
      this.listener.onFailure(error);
    } finally {
      this.processing = false;
    }
  }

  private process(input: number, batch: BatchMessage): void {
    const { count, markers } = batch;
    const records = this.remotes[input]!.decoder.decode(batch.payload, count);
    const timestamps = new Float64Array(batch.timestamps, 0, count);
    const head = this.head;
    let m = 0;
    for (let i = 0; i < count; i++) {
      while (m < markers.length && markers[m] === i) {
        this.apply(input, markers[m + 1]!, markers[m + 2]!);
        m += 3;
      }
      head.collect(records[i]!, timestamps[i]!);
    }
    for (; m < markers.length; m += 3) this.apply(input, markers[m + 1]!, markers[m + 2]!);
  }

  private apply(input: number, kind: number, value: number): void {
    switch (kind) {
      case MARK_WATERMARK:
        this.valve.inputWatermark(input, value);
        break;
      case MARK_IDLE:
        this.valve.markIdle(input);
        break;
      case MARK_ACTIVE:
        this.valve.markActive(input);
        break;
      case MARK_END:
        this.valve.markEnded(input);
        if (this.valve.ended && !this.endedNotified) {
          this.endedNotified = true;
          this.listener.onEnded();
        }
        break;
      default:
        throw new Error(`input gate ${this.name}: unknown marker kind ${kind}`);
    }
  }
}
