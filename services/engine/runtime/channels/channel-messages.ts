/**
 * What travels on a channel between two threads. Forward: batches of records, with watermarks,
 * idleness, checkpoint barriers and end of input *in band*, at their exact place among the records. Backward: credit,
 * one per batch the consumer has finished processing.
 */

/** A watermark: `value` is its time. */
export const MARK_WATERMARK = 0;
/** The producer's input went idle (no record for the idleness timeout): don't wait for its watermark. */
export const MARK_IDLE = 1;
/** The producer is active again (it has records). */
export const MARK_ACTIVE = 2;
/** The producer sent its last element. */
export const MARK_END = 3;
/**
 * Checkpoint barrier: `value` is the checkpoint id. Everything before it on the channel belongs to
 * that checkpoint, nothing after it (the consumer aligns it over its inputs: `BarrierAligner`).
 */
export const MARK_BARRIER = 4;

export interface BatchMessage {
  readonly count: number;
  /** `Float64Array` of the `count` record timestamps (transferred). */
  readonly timestamps: ArrayBuffer;
  /** The codec's encoding of the `count` records. */
  readonly payload: unknown;
  /** Triples (position, kind, value): each marker is applied before the record at `position`. */
  readonly markers: readonly number[];
  /** Every buffer transferred with the batch (`timestamps` first), returned with the credit for reuse. */
  readonly buffers: readonly ArrayBuffer[];
}

export interface CreditMessage {
  /** Batches the consumer finished: the producer may send that many more. */
  readonly credit: number;
  /** The finished batches' buffers, transferred back for reuse (`timestamps` first). */
  readonly buffers?: readonly ArrayBuffer[];
}

/** The part of a `MessagePort` a channel uses (a test can pass a fake). */
export interface DataPort {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  // biome-ignore lint/suspicious/noExplicitAny: MessagePort's listener signature
  on(event: 'message', listener: (message: any) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: MessagePort's listener signature
  off(event: 'message', listener: (message: any) => void): unknown;
  close(): void;
}
