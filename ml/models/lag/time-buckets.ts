/** The bucket being filled: readings of one `stepMs` slot, averaged when it closes. */
export interface OpenBucket {
  readonly bucket: number;
  readonly sum: number;
  readonly count: number;
}

/** A bucket that will receive no more readings, with the mean of its readings. */
export interface ClosedBucket {
  readonly bucket: number;
  readonly mean: number;
}

/**
 * Puts a sensor series on a regular time grid for the forecasters: bucket `floor(ts / stepMs)`
 * (epoch-aligned), several readings in one bucket averaged. A bucket closes when a reading of a
 * later bucket arrives; a reading of an earlier bucket than the open one is late and dropped
 * (forecasters take their readings in time order). Buckets with no reading are gaps: the
 * forecaster sees them as the difference between consecutive closed buckets.
 *
 * @example
 * const grid = new TimeBuckets(60_000);
 * grid.add(1, 0); grid.add(3, 30_000); // undefined: bucket 0 still open
 * grid.add(5, 180_000); // { bucket: 0, mean: 2 }; bucket 3 is open, 1 and 2 are gaps
 */
export class TimeBuckets {
  private current: OpenBucket | null = null;

  constructor(readonly stepMs: number) {
    if (!(Number.isInteger(stepMs) && stepMs > 0)) {
      throw new RangeError(`stepMs must be a positive integer of milliseconds, got ${stepMs}`);
    }
  }

  bucketOf(ts: number): number {
    return Math.floor(ts / this.stepMs);
  }

  /** The bucket being filled, if any reading arrived yet. */
  get open(): OpenBucket | null {
    return this.current;
  }

  /** Mean of the open bucket's readings so far (`undefined` before the first reading). */
  openMean(): number | undefined {
    return this.current ? this.current.sum / this.current.count : undefined;
  }

  /** Adds a reading; returns the bucket it closed, if it opened a later one. Late readings are dropped. */
  add(y: number, ts: number): ClosedBucket | undefined {
    if (!Number.isFinite(y)) throw new RangeError(`expected a finite value, got ${y}`);
    if (!Number.isFinite(ts)) throw new RangeError(`expected a finite timestamp, got ${ts}`);
    const bucket = this.bucketOf(ts);
    const open = this.current;
    if (open === null) {
      this.current = { bucket, sum: y, count: 1 };
      return undefined;
    }
    if (bucket === open.bucket) {
      this.current = { bucket, sum: open.sum + y, count: open.count + 1 };
      return undefined;
    }
    if (bucket < open.bucket) return undefined;
    this.current = { bucket, sum: y, count: 1 };
    return { bucket: open.bucket, mean: open.sum / open.count };
  }

  /** JSON-safe state. */
  state(): OpenBucket | null {
    return this.current;
  }

  restore(state: OpenBucket | null): void {
    this.current = state === null ? null : { bucket: state.bucket, sum: state.sum, count: state.count };
  }
}
