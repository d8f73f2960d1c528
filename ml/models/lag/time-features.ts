const DAY_MS = 86_400_000;

/** How many features {@link timeFeatures} writes. */
export function timeFeatureCount(dayOfWeek: boolean): number {
  return dayOfWeek ? 8 : 2;
}

/**
 * Calendar features of time `ts` (epoch ms) in a zone `utcOffsetMinutes` from UTC, written into `out`
 * from `offset`: sin and cos of 2π·(fraction of the day), then, with `dayOfWeek`, six 0/1 indicators
 * for Monday..Saturday (Sunday is the baseline, so they are not collinear with an intercept).
 *
 * @example
 * const out = new Array(2).fill(0);
 * timeFeatures(out, 0, Date.UTC(2024, 0, 1, 6), 0, false); // out ≈ [1, 0] (a quarter of the day)
 */
export function timeFeatures(
  out: number[] | Float64Array,
  offset: number,
  ts: number,
  utcOffsetMinutes: number,
  dayOfWeek: boolean,
): void {
  const local = ts + utcOffsetMinutes * 60_000;
  const day = Math.floor(local / DAY_MS);
  const angle = (2 * Math.PI * (local - day * DAY_MS)) / DAY_MS;
  out[offset] = Math.sin(angle);
  out[offset + 1] = Math.cos(angle);
  if (!dayOfWeek) return;
  // 1970-01-01 was a Thursday (weekday 4 with Sunday = 0).
  const weekday = (((day + 4) % 7) + 7) % 7;
  for (let d = 1; d <= 6; d++) out[offset + 1 + d] = weekday === d ? 1 : 0;
}
