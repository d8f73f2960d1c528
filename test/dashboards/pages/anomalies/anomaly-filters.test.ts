import { describe, expect, it } from 'vitest';
import {
  anomaliesQuery,
  filtersFromParams,
  filtersToParams,
  matchesFilters,
} from '../../../../dashboards/src/pages/anomalies/anomaly-filters.ts';

const NOW = 1_700_000_000_000;
const anomaly = {
  device: 'boiler-1',
  metric: 'temperature',
  detector: 'spikes',
  ts: NOW - 60_000,
  acknowledged: false,
};

describe('anomaly filters and route params', () => {
  it('reads the filters of a route, dropping empty, malformed and unknown values', () => {
    expect(
      filtersFromParams(
        new URLSearchParams(
          'device=boiler-1&metric=&detector=x%27%20OR%201=1&acknowledged=maybe&range=24h&page=2',
        ),
      ),
    ).toEqual({ device: 'boiler-1', range: '24h' });
    expect(filtersFromParams(new URLSearchParams('metric=humidity,temperature&acknowledged=false'))).toEqual({
      metric: 'humidity,temperature',
      acknowledged: 'false',
    });
    expect(filtersFromParams(new URLSearchParams('range=constructor'))).toEqual({});
  });

  it('writes only the filters set, and round-trips', () => {
    const filters = { device: 'boiler-1', detector: 'spikes', acknowledged: 'true', range: '7d' } as const;
    const params = filtersToParams({ ...filters, metric: '' });
    expect(params).toEqual({ device: 'boiler-1', detector: 'spikes', acknowledged: 'true', range: '7d' });
    expect(filtersFromParams(new URLSearchParams(params))).toEqual(filters);
    expect(filtersToParams({})).toEqual({});
  });

  it('asks the API for the filters, the range as "from"', () => {
    expect(anomaliesQuery({ device: 'boiler-1', acknowledged: 'false', range: '1h' }, NOW)).toEqual({
      device: 'boiler-1',
      metric: undefined,
      detector: undefined,
      acknowledged: 'false',
      from: NOW - 3_600_000,
      limit: 500,
    });
    expect(anomaliesQuery({}, NOW).from).toBeUndefined();
  });

  it('tells whether a live anomaly belongs in the table', () => {
    expect(matchesFilters(anomaly, {}, NOW)).toBe(true);
    expect(matchesFilters(anomaly, { device: 'boiler-1', acknowledged: 'false', range: '1h' }, NOW)).toBe(
      true,
    );
    expect(matchesFilters(anomaly, { device: 'boiler-2' }, NOW)).toBe(false);
    expect(matchesFilters(anomaly, { metric: 'humidity' }, NOW)).toBe(false);
    expect(matchesFilters(anomaly, { detector: 'stuck' }, NOW)).toBe(false);
    expect(matchesFilters(anomaly, { acknowledged: 'true' }, NOW)).toBe(false);
    expect(matchesFilters({ ...anomaly, ts: NOW - 7_200_000 }, { range: '1h' }, NOW)).toBe(false);
  });
});
