import type { AnomalyBody } from '../../../../services/api/schemas/anomalies.ts';

/** The columns the table sorts by. */
export const SORT_KEYS = ['ts', 'device', 'metric', 'score', 'detector'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** A sort: a column and a direction. */
export interface SortOrder {
  readonly key: SortKey;
  readonly dir: 'asc' | 'desc';
}

/** Newest first, as the API answers. */
export const DEFAULT_SORT: SortOrder = { key: 'ts', dir: 'desc' };

/**
 * The sort in a route's params (`sort=score&dir=asc`), else {@link DEFAULT_SORT}.
 *
 * @example
 * sortFromParams(new URLSearchParams('sort=score')); // { key: 'score', dir: 'desc' }
 */
export function sortFromParams(params: URLSearchParams): SortOrder {
  const key = params.get('sort');
  if (!SORT_KEYS.includes(key as SortKey)) return DEFAULT_SORT;
  const dir = params.get('dir');
  return { key: key as SortKey, dir: dir === 'asc' || dir === 'desc' ? dir : firstDirection(key as SortKey) };
}

/** The sort as route params; the default sort adds none. */
export function sortToParams(order: SortOrder): Record<string, string> {
  return order.key === DEFAULT_SORT.key && order.dir === DEFAULT_SORT.dir
    ? {}
    : { sort: order.key, dir: order.dir };
}

/**
 * The sort after a click on a column header: the same column flips its direction, another starts
 * descending for time and score, ascending for names.
 *
 * @example
 * nextSort({ key: 'ts', dir: 'desc' }, 'ts');     // { key: 'ts', dir: 'asc' }
 * nextSort({ key: 'ts', dir: 'desc' }, 'device'); // { key: 'device', dir: 'asc' }
 */
export function nextSort(current: SortOrder, key: SortKey): SortOrder {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: firstDirection(key) };
}

function firstDirection(key: SortKey): 'asc' | 'desc' {
  return key === 'ts' || key === 'score' ? 'desc' : 'asc';
}

/**
 * A sorted copy of anomalies; ties (and missing scores, always last) fall back to newest first,
 * then device, metric, detector, so the order is stable across reloads.
 *
 * @example
 * sortAnomalies(rows, { key: 'score', dir: 'desc' }); // highest score first
 */
export function sortAnomalies<T extends Pick<AnomalyBody, SortKey>>(
  rows: readonly T[],
  order: SortOrder,
): T[] {
  const sign = order.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const primary = compareColumn(a, b, order.key, sign);
    if (primary !== 0) return primary;
    return (
      b.ts - a.ts ||
      a.device.localeCompare(b.device) ||
      a.metric.localeCompare(b.metric) ||
      a.detector.localeCompare(b.detector)
    );
  });
}

function compareColumn<T extends Pick<AnomalyBody, SortKey>>(a: T, b: T, key: SortKey, sign: number): number {
  if (key === 'score') {
    if (a.score === null || b.score === null) return a.score === b.score ? 0 : a.score === null ? 1 : -1;
    return sign * (a.score - b.score);
  }
  if (key === 'ts') return sign * (a.ts - b.ts);
  return sign * a[key].localeCompare(b[key]);
}

/** The identity of an anomaly: its tags and time (what `POST /api/anomalies/ack` takes). */
export function anomalyKey(a: Pick<AnomalyBody, 'device' | 'metric' | 'detector' | 'ts'>): string {
  return `${a.ts}|${a.device}|${a.metric}|${a.detector}`;
}
