/** The watermark before any record: every timestamp is ahead of it. */
export const MIN_WATERMARK = Number.MIN_SAFE_INTEGER;

/** The watermark at end of input: fires every event-time timer (Flink's `Watermark.MAX_WATERMARK`). */
export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;

/** Timestamp of a record whose event time has not been assigned yet. */
export const NO_TIMESTAMP = Number.NaN;

/** A watermark for display: ISO time, or `-inf` / `+inf` for the two sentinels. */
export function formatWatermark(watermark: number): string {
  if (watermark <= MIN_WATERMARK) return '-inf';
  if (watermark >= MAX_WATERMARK) return '+inf';
  return new Date(watermark).toISOString();
}
