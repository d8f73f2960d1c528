import type { ApiClient } from '../../app/page.ts';

/**
 * The metrics of one device, sorted: those of its window aggregates still in the live feed's ring
 * and those of its anomalies in the range (a multivariate detector's `a,b` counts as `a` and `b`).
 * Either source may fail (no InfluxDB: no `/api/anomalies`); only both failing is an error.
 *
 * @example
 * await discoverMetrics(api, 'boiler-1', { from, to }); // ['humidity', 'temperature']
 */
export async function discoverMetrics(
  api: ApiClient,
  device: string,
  range: { readonly from: number; readonly to: number },
): Promise<string[]> {
  const [recent, anomalies] = await Promise.allSettled([
    api.get<{ aggregates: { metric: string }[] }>('/api/aggregates/recent', { device, limit: 5_000 }),
    api.get<{ anomalies: { metric: string }[] }>('/api/anomalies', {
      device,
      from: Math.trunc(range.from),
      to: Math.trunc(range.to),
      limit: 1_000,
    }),
  ]);
  if (recent.status === 'rejected' && anomalies.status === 'rejected') throw recent.reason;
  return metricNames([
    ...(recent.status === 'fulfilled' ? recent.value.aggregates : []),
    ...(anomalies.status === 'fulfilled' ? anomalies.value.anomalies : []),
  ]);
}

/**
 * The distinct metric names of items, sorted; `a,b` (multivariate) counts as `a` and `b`.
 *
 * @example
 * metricNames([{ metric: 'temperature' }, { metric: 'humidity,temperature' }]); // ['humidity', 'temperature']
 */
export function metricNames(items: readonly { readonly metric: string }[]): string[] {
  const names = new Set<string>();
  for (const item of items) for (const name of item.metric.split(',')) if (name !== '') names.add(name);
  return [...names].sort();
}
