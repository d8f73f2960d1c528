import { describe, expect, it } from 'vitest';
import {
  anomalyKey,
  DEFAULT_SORT,
  nextSort,
  sortAnomalies,
  sortFromParams,
  sortToParams,
} from '../../../../dashboards/src/pages/anomalies/anomaly-sort.ts';

const rows = [
  { ts: 3, device: 'b', metric: 'temperature', detector: 'spikes', score: 0.7 },
  { ts: 1, device: 'a', metric: 'humidity', detector: 'stuck', score: null },
  { ts: 2, device: 'c', metric: 'temperature', detector: 'spikes', score: 0.9 },
  { ts: 4, device: 'a', metric: 'pressure', detector: 'level', score: 0.7 },
];
const order = (sorted: readonly { ts: number }[]) => sorted.map((r) => r.ts);

describe('sortAnomalies', () => {
  it('sorts by each column in both directions, ties newest first', () => {
    expect(order(sortAnomalies(rows, { key: 'ts', dir: 'desc' }))).toEqual([4, 3, 2, 1]);
    expect(order(sortAnomalies(rows, { key: 'ts', dir: 'asc' }))).toEqual([1, 2, 3, 4]);
    expect(order(sortAnomalies(rows, { key: 'device', dir: 'asc' }))).toEqual([4, 1, 3, 2]);
    expect(order(sortAnomalies(rows, { key: 'device', dir: 'desc' }))).toEqual([2, 3, 4, 1]);
    expect(order(sortAnomalies(rows, { key: 'metric', dir: 'asc' }))).toEqual([1, 4, 3, 2]);
    expect(order(sortAnomalies(rows, { key: 'detector', dir: 'asc' }))).toEqual([4, 3, 2, 1]);
  });

  it('puts missing scores last in either direction', () => {
    expect(order(sortAnomalies(rows, { key: 'score', dir: 'desc' }))).toEqual([2, 4, 3, 1]);
    expect(order(sortAnomalies(rows, { key: 'score', dir: 'asc' }))).toEqual([4, 3, 2, 1]);
  });

  it('leaves its input alone', () => {
    const before = order(rows);
    sortAnomalies(rows, { key: 'ts', dir: 'asc' });
    expect(order(rows)).toEqual(before);
  });
});

describe('sort clicks and params', () => {
  it('flips the column clicked again, starts a new one in its natural direction', () => {
    expect(nextSort(DEFAULT_SORT, 'ts')).toEqual({ key: 'ts', dir: 'asc' });
    expect(nextSort({ key: 'ts', dir: 'asc' }, 'ts')).toEqual({ key: 'ts', dir: 'desc' });
    expect(nextSort(DEFAULT_SORT, 'device')).toEqual({ key: 'device', dir: 'asc' });
    expect(nextSort(DEFAULT_SORT, 'score')).toEqual({ key: 'score', dir: 'desc' });
  });

  it('reads and writes the sort in route params, the default as none', () => {
    expect(sortFromParams(new URLSearchParams(''))).toEqual(DEFAULT_SORT);
    expect(sortFromParams(new URLSearchParams('sort=score'))).toEqual({ key: 'score', dir: 'desc' });
    expect(sortFromParams(new URLSearchParams('sort=device&dir=desc'))).toEqual({
      key: 'device',
      dir: 'desc',
    });
    expect(sortFromParams(new URLSearchParams('sort=reason&dir=asc'))).toEqual(DEFAULT_SORT);
    expect(sortToParams(DEFAULT_SORT)).toEqual({});
    expect(sortToParams({ key: 'metric', dir: 'asc' })).toEqual({ sort: 'metric', dir: 'asc' });
  });

  it('identifies an anomaly by its tags and time', () => {
    expect(anomalyKey({ ts: 5, device: 'd', metric: 'm', detector: 'x' })).toBe('5|d|m|x');
  });
});
