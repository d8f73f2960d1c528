/**
 * Latency percentiles of the soak test: what `npm run soak` prints for publish → InfluxDB and
 * publish → alert. Pure: the latencies are measured elsewhere.
 */

/** Counts and percentiles of one latency path, in milliseconds (`null` when nothing was seen). */
export interface LatencySummary {
  /** Sampled: how many were expected (seen + missed). */
  readonly sampled: number;
  readonly seen: number;
  /** Sampled but never seen within the miss timeout. */
  readonly missed: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

/**
 * The `p`-th percentile (0–100) of ascending `sorted` values, nearest rank (the smallest value with
 * at least p % of the values at or below it); `null` for no values.
 *
 * @example
 * percentile([10, 20, 30, 40], 50); // 20
 * percentile([10, 20, 30, 40], 99); // 40
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be within 0..100, got ${p}`);
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/**
 * Summarizes the latencies of the samples that were seen, and how many were `missed`.
 *
 * @example
 * summarizeLatencies([120, 80, 100], 1);
 * // { sampled: 4, seen: 3, missed: 1, p50Ms: 100, p99Ms: 120, maxMs: 120 }
 */
export function summarizeLatencies(latenciesMs: readonly number[], missed: number): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    sampled: sorted.length + missed,
    seen: sorted.length,
    missed,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length === 0 ? null : (sorted[sorted.length - 1] ?? null),
  };
}
