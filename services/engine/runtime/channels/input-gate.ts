import { BarrierAligner, type BarrierAlignerMetrics } from '../../checkpoint/barrier-aligner.ts';
import type { Clock } from '../../time/clock.ts';
import { type ValveListener, WatermarkValve } from '../../time/watermark-valve.ts';
import type { Downstream } from '../output.ts';
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
import { type GateInput, type HeldItem, newGateInput } from './gate-input.ts';
import type { OutputAvailability } from './output-availability.ts';
import type { RecordCodec } from './record-codec.ts';

/** What an input gate tells the task it feeds. */
export interface GateListener {
  /** Every input is idle (`true`), or one is active again (`false`): forward to the task's outputs. */
  onIdleChange(idle: boolean): void;
  /** Every input ended: the task's chain has seen its last element. */
  onEnded(): void;
  /** Processing a batch threw (a user function failed): the job must fail. */
  onFailure(error: unknown): void;
  /**
   * Barrier `checkpointId` is aligned: every live input delivered it, and the chain processed
   * everything before it and nothing after. Snapshot the chain now and forward the barrier; the
   * records after it are processed once this returns.
   */
  onBarrier?(checkpointId: number): void;
  /** Alignment of `checkpointId` was abandoned (a newer barrier overtook it, or it was aborted). */
  onAlignmentAborted?(checkpointId: number, reason: string): void;
}

/** Optional parts of a gate: checkpoint alignment with a producer in the same thread, timing. */
export interface InputGateOptions {
  /** Times alignments (metrics). */
  readonly clock?: Clock;
  /**
   * Blocked while the gate holds a local input (a producer in this thread) for a checkpoint
   * barrier: that producer follows it and pauses, as it does when the gate's outputs are full.
   */
  readonly localAvailability?: OutputAvailability;
}

/**
 * The consuming side of one exchange for one task: its input channels (one per producing task),
 * the watermark valve over them (the task's watermark is the minimum over its active inputs), the
 * checkpoint barrier aligner over them, and the head of the task's chain.
 *
 * Batches are processed in arrival order while the task's outputs have room; otherwise they wait
 * here, which is bounded: a producer has at most `capacity` batches without credit, and credit is
 * only returned once a batch has been processed.
 *
 * Checkpoint barriers are aligned (Flink's aligned checkpoints, {@link BarrierAligner}): an input
 * that delivered barrier `id` stops in the middle of its batch and is not consumed until every
 * other live input delivered `id` too (an ended input counts as aligned). Its batches wait in its
 * bounded channel, without credit, so its producer is paused by backpressure; the other inputs
 * keep flowing. Then the listener snapshots (`onBarrier`) and the held input goes on from where it
 * stopped. A local input (same thread) that is held blocks `localAvailability`, which pauses its
 * producer; what it still hands over meanwhile is kept in order (one source batch at most).
 */
export class InputGate<T> implements ValveListener {
  private readonly valve: WatermarkValve;
  private readonly aligner: BarrierAligner;
  private readonly inputs: GateInput<T>[];
  /** One entry per batch received and not finished: its input, in arrival order. */
  private readonly order: number[] = [];
  private readonly localAvailability: OutputAvailability | undefined;
  private processing = false;
  private failed = false;
  private endedNotified = false;

  constructor(
    readonly name: string,
    inputs: number,
    private readonly head: Downstream<T>,
    private readonly listener: GateListener,
    private readonly availability: OutputAvailability,
    options: InputGateOptions = {},
  ) {
    this.valve = new WatermarkValve(inputs, this);
    this.inputs = Array.from({ length: inputs }, () => newGateInput<T>());
    this.localAvailability = options.localAvailability;
    this.aligner = new BarrierAligner(
      inputs,
      {
        snapshot: (id) => listener.onBarrier?.(id),
        resume: (resumed) => this.resume(resumed),
        aborted: (id, reason) => listener.onAlignmentAborted?.(id, reason),
      },
      options.clock,
    );
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

  /** Batches received and not processed yet (waiting for room downstream, or held by alignment). */
  get queuedBatches(): number {
    return this.order.length;
  }

  /** The barrier aligner's counters: alignments, their duration, inputs held now. */
  alignmentMetrics(): BarrierAlignerMetrics {
    return this.aligner.metrics();
  }

  /** Connects input `input` to a channel from another thread. */
  attach(input: number, port: DataPort, codec: RecordCodec<T>): void {
    const listener = (batch: BatchMessage) => {
      this.inputs[input]!.batches.push(batch);
      this.order.push(input);
      this.drain();
    };
    this.inputs[input]!.remote = { port, decoder: codec.createDecoder(), listener };
    port.on('message', listener);
  }

  /** A record from a producer in this thread (a local channel) on input `input`. */
  localRecord(input: number, value: T, timestamp: number): void {
    if (this.aligner.isBlocked(input)) this.inputs[input]!.held.push({ value, timestamp });
    else this.head.collect(value, timestamp);
  }

  /** A marker from a producer in this thread (a local channel) on input `input`. */
  localMarker(input: number, kind: number, value: number): void {
    if (this.aligner.isBlocked(input)) this.inputs[input]!.held.push({ kind, value });
    else this.applyLocal(input, kind, value);
  }

  /** Abandons the alignment of checkpoint `checkpointId` (and older ones): held inputs go on. */
  abortCheckpoint(checkpointId: number, reason?: string): void {
    this.aligner.abort(checkpointId, reason);
  }

  /** Stops listening to every channel and closes their ports. */
  close(): void {
    for (const input of this.inputs) {
      const remote = input.remote;
      if (!remote) continue;
      remote.port.off('message', remote.listener);
      remote.port.close();
      input.batches.length = 0;
    }
    this.order.length = 0;
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
      while (this.availability.available) {
        const at = this.nextUnblocked();
        if (at < 0) break;
        const input = this.inputs[this.order[at]!]!;
        if (!this.processHead(this.order[at]!, input)) continue; // held at a barrier
        this.order.splice(at, 1);
        const batch = input.batches.shift()!;
        input.records = undefined;
        const credit: CreditMessage = { credit: 1, buffers: batch.buffers };
        input.remote!.port.postMessage(credit, batch.buffers);
      }
    } catch (error) {
      this.failed = true;
      this.listener.onFailure(error);
    } finally {
      this.processing = false;
    }
  }

  /** The first entry of {@link order} whose input is not held by alignment; -1 if none. */
  private nextUnblocked(): number {
    const order = this.order;
    for (let i = 0; i < order.length; i++) if (!this.aligner.isBlocked(order[i]!)) return i;
    return -1;
  }

  /**
   * Processes input `index`'s oldest batch from where it stopped; false when a barrier held the
   * input before its end (the rest stays, with its credit, until the alignment is over).
   */
  private processHead(index: number, input: GateInput<T>): boolean {
    const batch = input.batches[0]!;
    const { count, markers } = batch;
    if (input.records === undefined) {
      input.records = input.remote!.decoder.decode(batch.payload, count);
      input.nextRecord = 0;
      input.nextMarker = 0;
    }
    const records = input.records;
    const timestamps = new Float64Array(batch.timestamps, 0, count);
    const head = this.head;
    let m = input.nextMarker;
    for (let i = input.nextRecord; i <= count; i++) {
      while (m < markers.length && markers[m] === i) {
        const kind = markers[m + 1]!;
        this.apply(index, kind, markers[m + 2]!);
        m += 3;
        if (kind === MARK_BARRIER && this.aligner.isBlocked(index)) {
          input.nextRecord = i;
          input.nextMarker = m;
          return false;
        }
      }
      if (i < count) head.collect(records[i]!, timestamps[i]!);
    }
    return true;
  }

  private applyLocal(input: number, kind: number, value: number): void {
    this.apply(input, kind, value);
    if (kind !== MARK_BARRIER || !this.aligner.isBlocked(input)) return;
    const state = this.inputs[input]!;
    if (!state.producerPaused && this.localAvailability) {
      state.producerPaused = true;
      this.localAvailability.block();
    }
  }

  /** The aligner let `resumed` go on: replay what local producers handed over, drain the rest. */
  private resume(resumed: readonly number[]): void {
    for (const index of resumed) {
      const input = this.inputs[index]!;
      if (input.remote) continue;
      const held = input.held.splice(0);
      let i = 0;
      for (; i < held.length && !this.aligner.isBlocked(index); i++) this.replay(index, held[i]!);
      if (i < held.length) {
        input.held.unshift(...held.slice(i)); // a newer barrier held it again
        continue;
      }
      if (input.producerPaused) {
        input.producerPaused = false;
        this.localAvailability?.unblock();
      }
    }
    this.drain();
  }

  private replay(input: number, item: HeldItem<T>): void {
    if ('kind' in item) this.applyLocal(input, item.kind, item.value);
    else this.head.collect(item.value, item.timestamp);
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
      case MARK_BARRIER:
        this.aligner.onBarrier(input, value);
        break;
      case MARK_END:
        this.valve.markEnded(input);
        this.aligner.onEndOfInput(input); // may complete an alignment: snapshot before the end goes on
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
