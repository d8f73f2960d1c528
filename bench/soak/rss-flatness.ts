/**
 * The soak test's memory verdict: after warm-up, Eddy's resident memory must stay flat. Pure: the
 * samples are taken elsewhere.
 */

/** One memory sample of Eddy's process, `atMs` after the soak started. */
export interface MemorySample {
  readonly atMs: number;
  /** Resident set size (VmRSS). */
  readonly rssBytes: number;
  /** V8 heap used, from Eddy's `/metrics` (absent when it could not be read). */
  readonly heapUsedBytes?: number;
}

/** How {@link rssFlatness} judges. */
export interface FlatnessOptions {
  /** How long the soak ran (or was meant to run). */
  readonly durationMs: number;
  /** Samples before this are warm-up and never judged. */
  readonly warmupMs: number;
  /** Largest accepted growth of the last part's median over the middle part's, e.g. 0.15. */
  readonly maxGrowth: number;
}

/** The verdict: `flat`, `growing` (fails the soak) or `inconclusive` (too few samples; fails too). */
export interface FlatnessVerdict {
  readonly verdict: 'flat' | 'growing' | 'inconclusive';
  /** Where judging starts: the later of the warm-up and a third of the run. */
  readonly fromMs: number;
  readonly middleMedianBytes: number | null;
  readonly lastMedianBytes: number | null;
  /** `last / middle - 1`, e.g. 0.04 for 4 % growth. */
  readonly growth: number | null;
  /** Least-squares slope of RSS over the judged samples, bytes per minute. */
  readonly slopeBytesPerMin: number | null;
  readonly reason: string;
}

/** Fewest samples each judged part needs. */
const MIN_SAMPLES_PER_PART = 2;

/**
 * Judges whether RSS stayed flat: the samples from the later of `warmupMs` and a third of the run
 * are split at the midpoint of what is left (for 10 minutes and a 2-minute warm-up: the second
 * third against the last third), and the last part's median RSS may exceed the middle part's by at
 * most `maxGrowth`. Medians, so one GC pause or one spike does not decide.
 *
 * @example
 * const samples = [0, 1, 2, 3, 4, 5].map((m) => ({ atMs: m * 60_000, rssBytes: 100e6 + m * 1e6 }));
 * rssFlatness(samples, { durationMs: 6 * 60_000, warmupMs: 60_000, maxGrowth: 0.15 }).verdict; // 'flat'
 */
export function rssFlatness(samples: readonly MemorySample[], options: FlatnessOptions): FlatnessVerdict {
  const fromMs = Math.max(options.warmupMs, options.durationMs / 3);
  const splitMs = fromMs + (options.durationMs - fromMs) / 2;
  const judged = samples.filter((s) => s.atMs >= fromMs);
  const middle = judged.filter((s) => s.atMs < splitMs).map((s) => s.rssBytes);
  const last = judged.filter((s) => s.atMs >= splitMs).map((s) => s.rssBytes);
  const slopeBytesPerMin = slope(judged);
  if (middle.length < MIN_SAMPLES_PER_PART || last.length < MIN_SAMPLES_PER_PART) {
    return {
      verdict: 'inconclusive',
      fromMs,
      middleMedianBytes: median(middle),
      lastMedianBytes: median(last),
      growth: null,
      slopeBytesPerMin,
      reason:
        `too few RSS samples after warm-up (${middle.length} then ${last.length} after ` +
        `${Math.round(fromMs / 1000)} s, need ${MIN_SAMPLES_PER_PART} each): run longer or sample more often`,
    };
  }
  const middleMedian = median(middle) as number;
  const lastMedian = median(last) as number;
  const growth = lastMedian / middleMedian - 1;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const flat = growth <= options.maxGrowth;
  return {
    verdict: flat ? 'flat' : 'growing',
    fromMs,
    middleMedianBytes: middleMedian,
    lastMedianBytes: lastMedian,
    growth,
    slopeBytesPerMin,
    reason: flat
      ? `RSS median grew ${pct(growth)} after warm-up (at most ${pct(options.maxGrowth)} allowed)`
      : `RSS median grew ${pct(growth)} after warm-up, more than the ${pct(options.maxGrowth)} allowed`,
  };
}

/** The median of `values` (mean of the two middle ones for an even count); `null` for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function slope(samples: readonly MemorySample[]): number | null {
  if (samples.length < 2) return null;
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + s.atMs, 0) / n;
  const my = samples.reduce((a, s) => a + s.rssBytes, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.atMs - mx) * (s.rssBytes - my);
    den += (s.atMs - mx) ** 2;
  }
  return den === 0 ? null : (num / den) * 60_000;
}
