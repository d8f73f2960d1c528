import { type Centroid, TDigest } from 'tdigest';

/** Default compression: a centroid holds at most about this fraction of the mass (t-digest's δ). */
export const DEFAULT_SKETCH_DELTA = 0.01;
/** Centroids a sketch may hold before it is first recompressed. */
const FIRST_RECOMPRESSION_AT = 256;

/**
 * A mergeable quantile sketch: Dunning's t-digest from the `tdigest` package, made deterministic.
 * The package recompresses by re-adding its centroids in a `Math.random` order; here automatic
 * recompression is off and the sketch recompresses itself, re-adding centroids in a fixed scrambled
 * order (a stride coprime with their number), so the same input always gives the same quantiles.
 * Recompression runs when the centroid count doubles since the last one (sorted input, the
 * t-digest's worst case, otherwise makes one centroid per value).
 *
 * Quantiles are interpolated between centroids: exact for a few values, within about 1% of rank
 * for many (δ = 0.01).
 *
 * @example
 * const sketch = new QuantileSketch();
 * for (let i = 1; i <= 100; i++) sketch.add(i);
 * sketch.quantile(0.5);  // ≈ 50.5
 * sketch.count;          // 100
 */
export class QuantileSketch {
  private readonly digest: TDigest;
  private recompressAt = FIRST_RECOMPRESSION_AT;
  private total = 0;

  constructor(readonly delta = DEFAULT_SKETCH_DELTA) {
    if (!(delta > 0 && delta < 1)) throw new RangeError(`sketch delta must be in (0, 1), got ${delta}`);
    this.digest = new TDigest(delta, 0);
  }

  /** Values added so far (sum of the centroid weights). */
  get count(): number {
    return this.total;
  }

  /** Centroids held: the sketch's size. */
  get size(): number {
    return this.digest.size();
  }

  add(value: number, weight = 1): void {
    this.digest.push(value, weight);
    this.total += weight;
    if (this.digest.size() > this.recompressAt) this.recompress();
  }

  /** Adds everything `other` holds (it is left unchanged). */
  merge(other: QuantileSketch): void {
    for (const centroid of scrambled(other.centroids())) this.digest.push_centroid(centroid);
    this.total += other.total;
    if (this.digest.size() > this.recompressAt) this.recompress();
  }

  /** The value below which a fraction `q` (0..1) of the values lie; `NaN` when empty. */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
    if (this.digest.size() === 0) return Number.NaN;
    return this.digest.percentile(q);
  }

  /** The centroids, ordered by mean (what a snapshot needs; `fromCentroids` restores it). */
  centroids(): Centroid[] {
    return this.digest.toArray();
  }

  /**
   * The sketch as plain data, exactly, in one array (cheap to copy and to encode, even for the many
   * small sketches of many windows): `[n, lastCumulate, total, recompressAt]`, then per centroid
   * `mean, n, cumn, meanCumn` (the t-digest's cached cumulative counts, NaN while unset). With
   * {@link fromPlain} the copy answers and grows exactly as this sketch would; re-adding
   * `centroids()` instead may merge some and drift.
   */
  toPlain(): number[] {
    const internal = this.digest as unknown as DigestInternals;
    // a plain array: allocating many small typed arrays costs several times more
    const data = new Array<number>(HEADER + CENTROID_FIELDS * internal.centroids.size);
    data[0] = internal.n;
    data[1] = internal.last_cumulate;
    data[2] = this.total;
    data[3] = this.recompressAt;
    let i = HEADER;
    internal.centroids.each((c) => {
      data[i++] = c.mean;
      data[i++] = c.n;
      data[i++] = c.cumn;
      data[i++] = c.mean_cumn ?? Number.NaN; // unset until cumulated: NaN acts the same
    });
    return data;
  }

  /** The sketch {@link toPlain} described. */
  static fromPlain(data: readonly number[], delta = DEFAULT_SKETCH_DELTA): QuantileSketch {
    if (!Array.isArray(data) || (data.length - HEADER) % CENTROID_FIELDS !== 0) {
      throw new TypeError('a quantile sketch snapshot is an array of 4 + 4 per centroid numbers');
    }
    const sketch = new QuantileSketch(delta);
    const internal = sketch.digest as unknown as DigestInternals;
    for (let i = HEADER; i < data.length; i += CENTROID_FIELDS) {
      internal.centroids.insert({
        mean: data[i]!,
        n: data[i + 1]!,
        cumn: data[i + 2]!,
        mean_cumn: data[i + 3]!,
      });
    }
    internal.n = data[0]!;
    internal.last_cumulate = data[1]!;
    sketch.total = data[2]!;
    sketch.recompressAt = data[3]!;
    return sketch;
  }

  /** A sketch holding `centroids` (for example from `centroids()` of a snapshot). */
  static fromCentroids(centroids: readonly Centroid[], delta = DEFAULT_SKETCH_DELTA): QuantileSketch {
    const sketch = new QuantileSketch(delta);
    for (const centroid of scrambled(centroids)) {
      sketch.digest.push_centroid(centroid);
      sketch.total += centroid.n;
    }
    if (sketch.digest.size() > sketch.recompressAt) sketch.recompress();
    return sketch;
  }

  private recompress(): void {
    const centroids = this.digest.toArray();
    this.digest.reset();
    for (const centroid of scrambled(centroids)) this.digest.push_centroid(centroid);
    this.recompressAt = Math.max(FIRST_RECOMPRESSION_AT, 2 * this.digest.size());
  }
}

/** Numbers before the centroids in {@link QuantileSketch.toPlain}, and numbers per centroid. */
const HEADER = 4;
const CENTROID_FIELDS = 4;

/** The fields of the `tdigest` package's digest that an exact copy needs (not in its typings). */
interface DigestInternals {
  centroids: {
    readonly size: number;
    each(visit: (c: { mean: number; n: number; cumn: number; mean_cumn?: number }) => void): void;
    insert(c: { mean: number; n: number; cumn: number; mean_cumn: number }): boolean;
  };
  n: number;
  last_cumulate: number;
}

/**
 * `items` in a fixed order that jumps around (index i·stride mod n, stride ≈ 0.618·n and coprime
 * with n): centroids re-added in order of their means would be the t-digest's worst case.
 */
function scrambled<T>(items: readonly T[]): readonly T[] {
  const n = items.length;
  if (n < 3) return items;
  let stride = Math.max(1, Math.round(n * 0.618_033_988_7));
  while (gcd(stride, n) !== 1) stride++;
  const out = new Array<T>(n);
  for (let i = 0, j = 0; i < n; i++, j = (j + stride) % n) out[i] = items[j]!;
  return out;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
