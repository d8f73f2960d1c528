import type { Reading } from '../domain/reading.ts';
import type { DataStream } from '../engine/api/data-stream.ts';

/**
 * The readings of `metrics` only (all, unfiltered, when absent), as a step named `filter(<step>)`:
 * what a job file's model or detector with `metrics:` sees.
 *
 * @example
 * onlyMetrics(readings, ['temperature'], 'model forecast'); // a step `filter(model forecast)`
 */
export function onlyMetrics(
  readings: DataStream<Reading>,
  metrics: readonly string[] | undefined,
  step: string,
): DataStream<Reading> {
  if (metrics === undefined) return readings;
  const wanted = new Set(metrics);
  return readings.filter((r) => wanted.has(r.metric), `filter(${step})`);
}
