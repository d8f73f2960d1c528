const NO_IDS = new Uint32Array(0);
const NO_NUMBERS = new Float64Array(0);
/** Buffer pairs kept for reuse (a channel has a few batches in flight). */
const MAX_SPARES = 8;

/** The two buffers of one batch's columns, as sent (whole buffers; the batch's `count` says how much is used). */
export interface ColumnBatch {
  /** `idWidth` `Uint32` per record (e.g. dictionary ids of strings). */
  readonly ids: ArrayBuffer;
  /** `numberWidth` `Float64` per record. */
  readonly numbers: ArrayBuffer;
}

/**
 * The column plumbing of the typed-array codecs (`reading-codec.ts`, `window-aggregate-codec.ts`):
 * per record `idWidth` Uint32 and `numberWidth` Float64 slots in two growable arrays, handed over
 * whole with the batch (transferred, not copied) and reused when the consumer sends them back
 * with its credit, so a channel in steady state allocates no buffer.
 *
 * @example
 * const columns = new ColumnBuffers(2, 2); // ids: device, metric; numbers: ts, value
 * const at = columns.add();                // index of the new record
 * columns.ids[2 * at] = deviceId;
 * const batch = columns.take();            // { ids, numbers }: transfer both
 * columns.recycle([batch.ids, batch.numbers]); // once they come back
 */
export class ColumnBuffers {
  ids: Uint32Array = NO_IDS;
  numbers: Float64Array = NO_NUMBERS;
  /** Records in the batch being built. */
  count = 0;
  private capacity = 0;
  private readonly spares: [ArrayBuffer, ArrayBuffer][] = [];

  constructor(
    private readonly idWidth: number,
    private readonly numberWidth: number,
    private readonly initialCapacity = 1_024,
  ) {}

  /** Makes room for one more record and returns its index. */
  add(): number {
    if (this.count === this.capacity) this.grow();
    return this.count++;
  }

  /** Ends the batch: its buffers (to transfer). The next record takes a spare pair, or allocates. */
  take(): ColumnBatch {
    const batch = { ids: this.ids.buffer as ArrayBuffer, numbers: this.numbers.buffer as ArrayBuffer };
    this.ids = NO_IDS;
    this.numbers = NO_NUMBERS;
    this.capacity = 0;
    this.count = 0;
    return batch;
  }

  /** Takes back the buffers of a batch the consumer finished with (`[ids, numbers]`). */
  recycle(buffers: readonly ArrayBuffer[]): void {
    const [ids, numbers] = buffers;
    if (!ids || !numbers || this.spares.length >= MAX_SPARES) return;
    const records = ids.byteLength / (4 * this.idWidth);
    if (records < this.initialCapacity || numbers.byteLength !== 8 * this.numberWidth * records) return;
    this.spares.push([ids, numbers]);
  }

  private grow(): void {
    if (this.capacity === 0) {
      const spare = this.spares.pop();
      this.ids = spare ? new Uint32Array(spare[0]) : new Uint32Array(this.idWidth * this.initialCapacity);
      this.numbers = spare
        ? new Float64Array(spare[1])
        : new Float64Array(this.numberWidth * this.initialCapacity);
      this.capacity = this.ids.length / this.idWidth;
      return;
    }
    const ids = new Uint32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.ids = ids;
    const numbers = new Float64Array(this.numbers.length * 2);
    numbers.set(this.numbers);
    this.numbers = numbers;
    this.capacity *= 2;
  }
}
