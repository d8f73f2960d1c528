/**
 * The result of a windowed job: summary statistics of one (device, metric) series over one
 * event-time window `[start, end)`. Written to InfluxDB measurement `window_agg`, stamped with `start`.
 * A job file may ask for fewer statistics (those not computed are `NaN`, and left out of InfluxDB)
 * or for more (in `extra`, each written as a field of its own).
 */
export interface WindowAggregate {
  readonly device: string;
  readonly metric: string;
  /** Window label as written to the `window` tag, e.g. `10s`. */
  readonly window: string;
  /** Window start, epoch ms (inclusive). */
  readonly start: number;
  /** Window end, epoch ms (exclusive). */
  readonly end: number;
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Population standard deviation. */
  readonly stddev: number;
  /** Further aggregates a job asked for, by field name: `sum`, `first`, `last`, `p50`, `p95`, `p99.9`… */
  readonly extra?: Readonly<Record<string, number>>;
}

/** True when `value` has the shape of a {@link WindowAggregate} (for feeds that carry untyped events). */
export function isWindowAggregate(value: unknown): value is WindowAggregate {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.device === 'string' &&
    typeof v.metric === 'string' &&
    typeof v.window === 'string' &&
    Number.isFinite(v.start) &&
    Number.isFinite(v.end) &&
    Number.isInteger(v.count) &&
    typeof v.mean === 'number' &&
    typeof v.min === 'number' &&
    typeof v.max === 'number' &&
    typeof v.stddev === 'number'
  );
}
