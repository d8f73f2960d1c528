import type { Reading } from '../../../domain/reading.ts';
import type { EncodedRecords, RecordCodec, RecordDecoder, RecordEncoder } from './record-codec.ts';
import { DictionaryDecoder, DictionaryEncoder, type DictionaryUpdate } from './string-dictionary.ts';

const INITIAL_CAPACITY = 1_024;
/** Buffer pairs kept for reuse (a channel has a few batches in flight). */
const MAX_SPARES = 8;
const NO_IDS = new Uint32Array(0);
const NO_NUMBERS = new Float64Array(0);
const EMPTY_BATCH: EncodedRecords = {
  payload: { ids: new ArrayBuffer(0), numbers: new ArrayBuffer(0), strings: [], reset: false },
  transfer: [],
};

interface ReadingPayload extends DictionaryUpdate {
  /** Device id then metric id of each reading (dictionary indices). */
  readonly ids: ArrayBuffer;
  /** `ts` then `value` of each reading. */
  readonly numbers: ArrayBuffer;
}

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
  private ids = NO_IDS;
  private numbers = NO_NUMBERS;
  private count = 0;
  /** Consecutive readings often share a device or a metric: skip the dictionary then. */
  private lastDevice = '';
  private lastDeviceId = -1;
  private lastMetric = '';
  private lastMetricId = -1;
  /** (ids, numbers) buffers back from the consumer. */
  private readonly spares: [ArrayBuffer, ArrayBuffer][] = [];

  add(reading: Reading): void {
    const { device, metric, ts, value } = reading;
    if (typeof device !== 'string' || typeof metric !== 'string' || typeof ts !== 'number') {
      throw new TypeError(
        `readingCodec can only send Readings ({ device, metric, ts, value }), got ${JSON.stringify(reading)}; ` +
          'use structuredCloneCodec() for other records',
      );
    }
    const at = 2 * this.count;
    if (at === this.ids.length) this.grow();
    if (device !== this.lastDevice || this.lastDeviceId < 0) {
      this.lastDevice = device;
      this.lastDeviceId = this.dictionary.idOf(device);
    }
    if (metric !== this.lastMetric || this.lastMetricId < 0) {
      this.lastMetric = metric;
      this.lastMetricId = this.dictionary.idOf(metric);
    }
    this.ids[at] = this.lastDeviceId;
    this.ids[at + 1] = this.lastMetricId;
    this.numbers[at] = ts;
    this.numbers[at + 1] = value;
    this.count++;
  }

  finish(): EncodedRecords {
    if (this.count === 0 && !this.dictionary.pending) return EMPTY_BATCH;
    const update = this.dictionary.finishBatch();
    this.lastDeviceId = -1; // the dictionary may start over with the next batch
    this.lastMetricId = -1;
    const payload: ReadingPayload = {
      ids: this.ids.buffer as ArrayBuffer,
      numbers: this.numbers.buffer as ArrayBuffer,
      ...update,
    };
    this.ids = NO_IDS; // the next reading takes a spare (or allocates)
    this.numbers = NO_NUMBERS;
    this.count = 0;
    const transfer = payload.ids.byteLength > 0 ? [payload.ids, payload.numbers] : [];
    return { payload, transfer };
  }

  recycle(buffers: readonly ArrayBuffer[]): void {
    const [ids, numbers] = buffers;
    if (!ids || !numbers || this.spares.length >= MAX_SPARES) return;
    if (ids.byteLength < 8 * INITIAL_CAPACITY || numbers.byteLength !== 2 * ids.byteLength) return;
    this.spares.push([ids, numbers]);
  }

  private grow(): void {
    if (this.ids.length === 0) {
      const spare = this.spares.pop();
      this.ids = spare ? new Uint32Array(spare[0]) : new Uint32Array(2 * INITIAL_CAPACITY);
      this.numbers = spare ? new Float64Array(spare[1]) : new Float64Array(2 * INITIAL_CAPACITY);
      return;
    }
    const ids = new Uint32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.ids = ids;
    const numbers = new Float64Array(this.numbers.length * 2);
    numbers.set(this.numbers);
    this.numbers = numbers;
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
