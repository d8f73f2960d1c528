/**
 * The gap of a session window per element (Flink's `SessionWindowTimeGapExtractor`): a session
 * ends once no record of its key arrived for the gap of its last records.
 *
 * @example
 * const gap: SessionGapExtractor<Reading> = (r) => (r.metric === 'door' ? 60_000 : 600_000);
 */
export type SessionGapExtractor<T> = (element: T) => number;

/** The gap `extractor` gives `element`, checked: a positive, finite number of ms. */
export function dynamicGap<T>(extractor: SessionGapExtractor<T>, element: T): number {
  const gap = extractor(element);
  if (!(Number.isFinite(gap) && gap > 0)) {
    throw new RangeError(
      `a dynamic session gap must be a positive number of ms, the gap extractor returned ${gap}: ` +
        'make it return a gap > 0 for every record',
    );
  }
  return gap;
}
