import type { Reading } from '../../../domain/reading.ts';
import { type ColumnBatch, ColumnBuffers } from './column-buffers.ts';
import type { EncodedRecords, RecordCodec, RecordDecoder, RecordEncoder } from './record-codec.ts';
import { DictionaryDecoder, DictionaryEncoder, type DictionaryUpdate } from './string-dictionary.ts';

const EMPTY_BATCH: EncodedRecords = {
  payload: { ids: new ArrayBuffer(0), numbers: new ArrayBuffer(0), strings: [], reset: false },
  transfer: [],
};

/** `ids`: device id then metric id of each reading (dictionary indices); `numbers`: `ts` then `value`. */
interface ReadingPayload extends DictionaryUpdate, ColumnBatch {}

/**
 * A fast codec for {@link Reading}: `ts` and `value` go in a `Float64Array`, device and metric as
 * indices into a per-channel dictionary (each string is sent once per channel), and both buffers
 * are transferred, not copied. Measured on 2 cores: ~25 ns per reading to encode, ~10 ns to
 * decode, against ~130 ns to serialize and ~270 ns to deserialize with structured clone. Decoded readings have exactly the four fields;
 * anything else on the object is not sent.
 *
 * @example
 * env.setRecordCodec(env.fromSource(source, watermarks).keyBy((r) => r.device), readingCodec);
 */
export const readingCodec: RecordCodec<Reading> = {
  name: 'reading',
  createEncoder: () => new ReadingEncoder(),
  createDecoder: () => new ReadingDecoder(),
};

class ReadingEncoder implements RecordEncoder<Reading> {
  private readonly dictionary = new DictionaryEncoder();
  private readonly columns = new ColumnBuffers(2, 2);
  /** Consecutive readings often share a device or a metric: skip the dictionary then. */
  private lastDevice = '';
  private lastDeviceId = -1;
  private lastMetric = '';
  private lastMetricId = -1;

  add(reading: Reading): void {
    const { device, metric, ts, value } = reading;
    if (typeof device !== 'string' || typeof metric !== 'string' || typeof ts !== 'number') {
      throw new TypeError(
        `readingCodec can only send Readings ({ device, metric, ts, value }), got ${JSON.stringify(reading)}; ` +
          'use structuredCloneCodec() for other records',
      );
    }
    if (device !== this.lastDevice || this.lastDeviceId < 0) {
      this.lastDevice = device;
      this.lastDeviceId = this.dictionary.idOf(device);
    }
    if (metric !== this.lastMetric || this.lastMetricId < 0) {
      this.lastMetric = metric;
      this.lastMetricId = this.dictionary.idOf(metric);
    }
    const columns = this.columns;
    const at = 2 * columns.add();
    columns.ids[at] = this.lastDeviceId;
    columns.ids[at + 1] = this.lastMetricId;
    columns.numbers[at] = ts;
    columns.numbers[at + 1] = value;
  }

  finish(): EncodedRecords {
    if (this.columns.count === 0 && !this.dictionary.pending) return EMPTY_BATCH;
    const update = this.dictionary.finishBatch();
    this.lastDeviceId = -1; // the dictionary may start over with the next batch
    this.lastMetricId = -1;
    const payload: ReadingPayload = { ...this.columns.take(), ...update };
    const transfer = payload.ids.byteLength > 0 ? [payload.ids, payload.numbers] : [];
    return { payload, transfer };
  }

  recycle(buffers: readonly ArrayBuffer[]): void {
    this.columns.recycle(buffers);
  }
}

class ReadingDecoder implements RecordDecoder<Reading> {
  private readonly dictionary = new DictionaryDecoder();

  decode(payload: unknown, count: number): readonly Reading[] {
    const batch = payload as ReadingPayload;
    const strings = this.dictionary.apply(batch);
    const ids = new Uint32Array(batch.ids, 0, 2 * count);
    const numbers = new Float64Array(batch.numbers, 0, 2 * count);
    const readings: Reading[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const at = 2 * i;
      readings[i] = {
        device: strings[ids[at]!]!,
        metric: strings[ids[at + 1]!]!,
        ts: numbers[at]!,
        value: numbers[at + 1]!,
      };
    }
    return readings;
  }
}
