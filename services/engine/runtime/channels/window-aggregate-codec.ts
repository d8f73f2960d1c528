import type { WindowAggregate } from '../../../domain/window-aggregate.ts';
import { type ColumnBatch, ColumnBuffers } from './column-buffers.ts';
import type { EncodedRecords, RecordCodec, RecordDecoder, RecordEncoder } from './record-codec.ts';
import { DictionaryDecoder, DictionaryEncoder, type DictionaryUpdate } from './string-dictionary.ts';

/** start, end, count, mean, min, max, stddev. */
const NUMBERS = 7;
const INITIAL_CAPACITY = 256;
const IDS = 3;

/** `ids`: device, metric and window ids of each aggregate; `numbers`: the {@link NUMBERS} numbers. */
interface AggregatePayload extends DictionaryUpdate, ColumnBatch {
  /** `[index, extra]` of the aggregates that have `extra` fields (structured clone). */
  readonly extras: [number, Readonly<Record<string, number>>][];
}

/**
 * A fast codec for {@link WindowAggregate}, for results going back from the subtasks to the sinks
 * in the main thread: numbers in a `Float64Array` (transferred), device, metric and window label
 * through a per-channel dictionary, `extra` fields (when a job asks for more aggregates) cloned;
 * buffers come back with the credit and are reused (`ColumnBuffers`).
 * Structured clone costs ~400 ns per small object between serializing and deserializing; this
 * ~70 (44 to encode, 26 to decode, measured on 2 cores).
 *
 * @example
 * env.setRecordCodec(aggregates, windowAggregateCodec); // aggregates: DataStream<WindowAggregate>
 */
export const windowAggregateCodec: RecordCodec<WindowAggregate> = {
  name: 'window-aggregate',
  createEncoder: () => new AggregateEncoder(),
  createDecoder: () => new AggregateDecoder(),
};

class AggregateEncoder implements RecordEncoder<WindowAggregate> {
  private readonly dictionary = new DictionaryEncoder();
  private readonly columns = new ColumnBuffers(IDS, NUMBERS, INITIAL_CAPACITY);
  private extras: [number, Readonly<Record<string, number>>][] = [];

  add(a: WindowAggregate): void {
    if (typeof a.device !== 'string' || typeof a.metric !== 'string' || typeof a.window !== 'string') {
      throw new TypeError(
        `windowAggregateCodec can only send WindowAggregates, got ${JSON.stringify(a)}; ` +
          'use structuredCloneCodec() for other records',
      );
    }
    const columns = this.columns;
    const i = columns.add();
    const ids = columns.ids;
    ids[IDS * i] = this.dictionary.idOf(a.device);
    ids[IDS * i + 1] = this.dictionary.idOf(a.metric);
    ids[IDS * i + 2] = this.dictionary.idOf(a.window);
    const n = columns.numbers;
    const at = NUMBERS * i;
    n[at] = a.start;
    n[at + 1] = a.end;
    n[at + 2] = a.count;
    n[at + 3] = a.mean;
    n[at + 4] = a.min;
    n[at + 5] = a.max;
    n[at + 6] = a.stddev;
    if (a.extra !== undefined) this.extras.push([i, a.extra]);
  }

  finish(): EncodedRecords {
    const payload: AggregatePayload = {
      ...this.columns.take(),
      extras: this.extras,
      ...this.dictionary.finishBatch(),
    };
    this.extras = [];
    const transfer = payload.ids.byteLength > 0 ? [payload.ids, payload.numbers] : [];
    return { payload, transfer };
  }

  recycle(buffers: readonly ArrayBuffer[]): void {
    this.columns.recycle(buffers);
  }
}

class AggregateDecoder implements RecordDecoder<WindowAggregate> {
  private readonly dictionary = new DictionaryDecoder();

  decode(payload: unknown, count: number): readonly WindowAggregate[] {
    const batch = payload as AggregatePayload;
    const strings = this.dictionary.apply(batch);
    const ids = new Uint32Array(batch.ids);
    const n = new Float64Array(batch.numbers);
    const out: WindowAggregate[] = new Array(count);
    let e = 0;
    for (let i = 0; i < count; i++) {
      const at = NUMBERS * i;
      const extra = e < batch.extras.length && batch.extras[e]![0] === i ? batch.extras[e++]![1] : undefined;
      out[i] = {
        device: strings[ids[IDS * i]!]!,
        metric: strings[ids[IDS * i + 1]!]!,
        window: strings[ids[IDS * i + 2]!]!,
        start: n[at]!,
        end: n[at + 1]!,
        count: n[at + 2]!,
        mean: n[at + 3]!,
        min: n[at + 4]!,
        max: n[at + 5]!,
        stddev: n[at + 6]!,
        ...(extra === undefined ? {} : { extra }),
      };
    }
    return out;
  }
}
