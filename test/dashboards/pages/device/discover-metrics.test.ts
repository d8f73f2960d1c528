import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../../dashboards/src/app/page.ts';
import { discoverMetrics, metricNames } from '../../../../dashboards/src/pages/device/discover-metrics.ts';

function api(answers: Record<string, unknown>): ApiClient & { asked: [string, unknown][] } {
  const asked: [string, unknown][] = [];
  return {
    asked,
    async get<T>(path: string, query?: unknown): Promise<T> {
      asked.push([path, query]);
      const answer = answers[path];
      if (answer instanceof Error) throw answer;
      return answer as T;
    },
    async post<T>(): Promise<T> {
      throw new Error('no posts here');
    },
  };
}

describe('discoverMetrics', () => {
  it('merges the metrics of the recent aggregates and of the anomalies in the range', async () => {
    const client = api({
      '/api/aggregates/recent': { aggregates: [{ metric: 'temperature' }, { metric: 'humidity' }] },
      '/api/anomalies': { anomalies: [{ metric: 'pressure,temperature' }] },
    });
    expect(await discoverMetrics(client, 'boiler-1', { from: 1_000.5, to: 5_000 })).toEqual([
      'humidity',
      'pressure',
      'temperature',
    ]);
    expect(client.asked).toEqual([
      ['/api/aggregates/recent', { device: 'boiler-1', limit: 5_000 }],
      ['/api/anomalies', { device: 'boiler-1', from: 1_000, to: 5_000, limit: 1_000 }],
    ]);
  });

  it('does with one source, and fails only when both do', async () => {
    const half = api({
      '/api/aggregates/recent': { aggregates: [{ metric: 'temperature' }] },
      '/api/anomalies': new Error('no InfluxDB'),
    });
    expect(await discoverMetrics(half, 'd', { from: 0, to: 1 })).toEqual(['temperature']);
    const none = api({
      '/api/aggregates/recent': new Error('down'),
      '/api/anomalies': new Error('down too'),
    });
    await expect(discoverMetrics(none, 'd', { from: 0, to: 1 })).rejects.toThrow('down');
  });

  it('splits multivariate names and drops empty ones', () => {
    expect(metricNames([{ metric: 'b,a' }, { metric: '' }, { metric: 'a' }])).toEqual(['a', 'b']);
  });
});
