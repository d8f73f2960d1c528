import type { BatchMessage, DataPort } from './channel-messages.ts';
import type { RecordDecoder } from './record-codec.ts';

/** A channel from another thread, as an input gate holds it. */
export interface RemoteInput<T> {
  readonly port: DataPort;
  readonly decoder: RecordDecoder<T>;
  readonly listener: (batch: BatchMessage) => void;
}

/** What a local producer handed over while its input was held by alignment: a record or a marker. */
export type HeldItem<T> =
  | { readonly value: T; readonly timestamp: number }
  | { readonly kind: number; readonly value: number };

/** One input of an `InputGate`: its channel (none for a local producer) and where it stopped. */
export interface GateInput<T> {
  remote: RemoteInput<T> | undefined;
  /** Batches received and not finished, oldest first: at most the channel's capacity. */
  readonly batches: BatchMessage[];
  /** The oldest batch's records once decoded (it may stop at a barrier and go on later). */
  records: readonly T[] | undefined;
  /** In the oldest batch: the next record to process, and the next marker (index of its triple). */
  nextRecord: number;
  nextMarker: number;
  /** A local input held by alignment: what its producer handed over meanwhile, in order. */
  readonly held: HeldItem<T>[];
  /** Whether this (local) input's producer is paused for alignment. */
  producerPaused: boolean;
}

export function newGateInput<T>(): GateInput<T> {
  return {
    remote: undefined,
    batches: [],
    records: undefined,
    nextRecord: 0,
    nextMarker: 0,
    held: [],
    producerPaused: false,
  };
}
