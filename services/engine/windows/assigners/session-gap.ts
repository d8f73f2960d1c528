import { durationLabel } from '../duration-label.ts';
import { requirePositiveMs } from './window-assigner.ts';

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

/**
 * A session assigner's gap, fixed or per record: what the event-time and processing-time session
 * assigners share (validation, the gap of an element, the window label).
 *
 * @example
 * SessionGap.fixed(30_000).label;                 // '30s-session'
 * SessionGap.dynamic((r: Reading) => 5_000).of(r); // 5000
 */
export class SessionGap<T> {
  private constructor(
    /** The fixed gap in ms; NaN when each record sets its own. */
    readonly gap: number,
    private readonly extractor: SessionGapExtractor<T> | undefined,
  ) {}

  static fixed<T>(gap: number): SessionGap<T> {
    return new SessionGap<T>(requirePositiveMs(gap, 'session gap'), undefined);
  }

  static dynamic<T>(extractor: SessionGapExtractor<T>): SessionGap<T> {
    if (typeof extractor !== 'function')
      throw new TypeError('withDynamicGap needs a function record → gap in ms');
    return new SessionGap<T>(Number.NaN, extractor);
  }

  /** The gap of the session `element` opens. */
  of(element: T): number {
    return this.extractor === undefined ? this.gap : dynamicGap(this.extractor, element);
  }

  /** Label for metrics and the InfluxDB `window` tag: `30s-session`, or `dynamic-session`. */
  get label(): string {
    return this.extractor === undefined ? `${durationLabel(this.gap)}-session` : 'dynamic-session';
  }

  /** `EventTimeSessionWindows(30000)` or `DynamicEventTimeSessionWindows()`, as Flink names them. */
  describe(domain: 'EventTime' | 'ProcessingTime'): string {
    return this.extractor === undefined
      ? `${domain}SessionWindows(${this.gap})`
      : `Dynamic${domain}SessionWindows()`;
  }
}
