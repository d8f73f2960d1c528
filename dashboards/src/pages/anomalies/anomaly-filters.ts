/** The filters of the anomalies page, as its route carries them (`#/anomalies?device=boiler-1&acknowledged=false`). */
export interface AnomalyFilters {
  readonly device?: string;
  readonly metric?: string;
  readonly detector?: string;
  /** `true`: only acknowledged; `false`: only those not acknowledged yet. */
  readonly acknowledged?: 'true' | 'false';
  /** The last this long (`1h`, `24h`, `7d`, `30d`) before now. */
  readonly range?: AnomalyRange;
}

/** The time ranges offered, in ms. */
export const ANOMALY_RANGES = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
} as const;

export type AnomalyRange = keyof typeof ANOMALY_RANGES;

/** Anomalies asked for at once. */
export const ANOMALIES_PAGE_LIMIT = 500;

/** The same patterns as the API's: a value that cannot match is dropped instead of a 400. */
const PATTERNS = {
  device: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
  metric: /^[A-Za-z_][A-Za-z0-9_.-]{0,63}(?:,[A-Za-z_][A-Za-z0-9_.-]{0,63}){0,15}$/,
  detector: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
} as const;

const TEXT_FILTERS = ['device', 'metric', 'detector'] as const;

/**
 * The filters in a route's params; values that are empty or malformed (which the API would refuse)
 * are left out.
 *
 * @example
 * filtersFromParams(new URLSearchParams('device=boiler-1&acknowledged=false&range=24h&x=1'));
 * // { device: 'boiler-1', acknowledged: 'false', range: '24h' }
 */
export function filtersFromParams(params: URLSearchParams): AnomalyFilters {
  const filters: { -readonly [K in keyof AnomalyFilters]: AnomalyFilters[K] } = {};
  for (const name of TEXT_FILTERS) {
    const value = params.get(name)?.trim();
    if (value && PATTERNS[name].test(value)) filters[name] = value;
  }
  const acknowledged = params.get('acknowledged');
  if (acknowledged === 'true' || acknowledged === 'false') filters.acknowledged = acknowledged;
  const range = params.get('range');
  if (range !== null && Object.hasOwn(ANOMALY_RANGES, range)) filters.range = range as AnomalyRange;
  return filters;
}

/**
 * The route params of filters (only those set), for `ctx.navigate('anomalies', ...)`.
 *
 * @example
 * filtersToParams({ device: 'boiler-1', acknowledged: 'true' }); // { device: 'boiler-1', acknowledged: 'true' }
 */
export function filtersToParams(filters: AnomalyFilters): Record<string, string> {
  const params: Record<string, string> = {};
  for (const name of [...TEXT_FILTERS, 'acknowledged', 'range'] as const) {
    const value = filters[name];
    if (value !== undefined && value !== '') params[name] = value;
  }
  return params;
}

/**
 * The query of `GET /api/anomalies` for filters: the range becomes `from` (now minus its length).
 *
 * @example
 * anomaliesQuery({ device: 'd1', range: '1h' }, 7_200_000);
 * // { device: 'd1', metric: undefined, detector: undefined, acknowledged: undefined, from: 3600000, limit: 500 }
 */
export function anomaliesQuery(
  filters: AnomalyFilters,
  now: number,
): Record<string, string | number | undefined> {
  return {
    device: filters.device,
    metric: filters.metric,
    detector: filters.detector,
    acknowledged: filters.acknowledged,
    from: filters.range === undefined ? undefined : Math.trunc(now - ANOMALY_RANGES[filters.range]),
    limit: ANOMALIES_PAGE_LIMIT,
  };
}

/**
 * Whether an anomaly (e.g. a new one from the live feed) passes the filters.
 *
 * @example
 * matchesFilters({ device: 'd1', metric: 't', detector: 's', ts: 5, acknowledged: false }, { acknowledged: 'true' }, 10); // false
 */
export function matchesFilters(
  anomaly: {
    readonly device: string;
    readonly metric: string;
    readonly detector: string;
    readonly ts: number;
    readonly acknowledged: boolean;
  },
  filters: AnomalyFilters,
  now: number,
): boolean {
  if (filters.device !== undefined && anomaly.device !== filters.device) return false;
  if (filters.metric !== undefined && anomaly.metric !== filters.metric) return false;
  if (filters.detector !== undefined && anomaly.detector !== filters.detector) return false;
  if (filters.acknowledged !== undefined && String(anomaly.acknowledged) !== filters.acknowledged)
    return false;
  if (filters.range !== undefined && anomaly.ts < now - ANOMALY_RANGES[filters.range]) return false;
  return true;
}
