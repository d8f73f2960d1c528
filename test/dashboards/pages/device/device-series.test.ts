import { describe, expect, it } from 'vitest';
import { DeviceSeriesStore } from '../../../../dashboards/src/pages/device/device-series.ts';
import type { SeriesResponse } from '../../../../services/api/schemas/series.ts';
import type { AnomalyEvent } from '../../../../services/domain/anomaly.ts';

const T0 = 1_700_000_000_000;

const answer: SeriesResponse = {
  device: 'boiler-1',
  metric: 'temperature',
  from: T0,
  to: T0 + 600_000,
  every: '60000ms',
  band: [
    { ts: T0 + 60_000, min: 20.5, mean: 21.5, max: 22.5, count: 6 },
    { ts: T0, min: 20, mean: 21, max: 22, count: 6 },
  ],
  forecast: [
    { ts: T0, model: 'forecast', value: 20.9, expected: 21, lower: 20, upper: 22 },
    { ts: T0, model: 'arima', value: 20.9, expected: 21.3, lower: null, upper: null },
    { ts: T0 + 60_000, model: 'forecast', value: 21.2, expected: 21.1, lower: 20.1, upper: 22.1 },
  ],
  anomalies: [
    {
      ts: T0 + 30_000,
      detector: 'spikes',
      score: 0.9,
      value: 31,
      expected: 21,
      lower: 20,
      upper: 22,
      reason: 'high',
      acknowledged: false,
    },
  ],
};

function anomaly(overrides: Partial<AnomalyEvent> = {}): AnomalyEvent {
  return {
    device: 'boiler-1',
    metric: 'temperature',
    metrics: ['temperature'],
    ts: T0 + 90_000,
    score: 0.95,
    detector: 'spikes',
    value: 35,
    expected: 21,
    lower: 20,
    upper: 22,
    reason: 'value 35 is far above',
    ...overrides,
  };
}

describe('DeviceSeriesStore', () => {
  it('takes readings from the forecasts, the band per bucket, forecasts per model and anomalies', () => {
    const store = new DeviceSeriesStore('boiler-1');
    store.loadSeries(answer);
    expect(store.metrics()).toEqual(['temperature']);
    const view = store.view('temperature');
    expect(view.readings).toEqual([
      [T0, 20.9],
      [T0 + 60_000, 21.2],
    ]);
    expect(view.band.map((b) => b.ts)).toEqual([T0, T0 + 60_000]);
    expect(view.forecasts.map((f) => [f.model, f.points.length])).toEqual([
      ['arima', 1],
      ['forecast', 2],
    ]);
    expect(view.anomalies).toMatchObject([{ ts: T0 + 30_000, detector: 'spikes', score: 0.9, value: 31 }]);
  });

  it('appends live predictions, aggregates and anomalies of its device only, without duplicates', () => {
    const store = new DeviceSeriesStore('boiler-1');
    store.loadSeries(answer);
    const prediction = {
      device: 'boiler-1',
      metric: 'temperature',
      model: 'forecast',
      ts: T0 + 120_000,
      value: 21.4,
      expected: 21.3,
      lower: Number.NaN,
      upper: 22.3,
    };
    expect(store.addPrediction(prediction)).toBe(true);
    expect(store.addPrediction({ ...prediction, device: 'boiler-2' })).toBe(false);
    expect(
      store.addAggregate({
        device: 'boiler-1',
        metric: 'temperature',
        window: '10s',
        start: T0 + 120_000,
        end: T0 + 130_000,
        count: 10,
        mean: 21.4,
        min: 21,
        max: 21.9,
        stddev: 0.2,
      }),
    ).toBe(true);
    expect(store.addAnomaly(anomaly())).toBe(true);
    expect(store.addAnomaly(anomaly())).toBe(true); // the same incident again: replaced, not doubled
    expect(store.addAnomaly(anomaly({ device: 'other' }))).toBe(false);

    const view = store.view('temperature');
    expect(view.readings.at(-1)).toEqual([T0 + 120_000, 21.4]);
    expect(view.band.at(-1)).toEqual({ ts: T0 + 120_000, min: 21, mean: 21.4, max: 21.9 });
    expect(view.forecasts.find((f) => f.model === 'forecast')?.points.at(-1)).toEqual({
      ts: T0 + 120_000,
      expected: 21.3,
      lower: null,
      upper: 22.3,
    });
    expect(view.anomalies.map((a) => a.ts)).toEqual([T0 + 30_000, T0 + 90_000]);
  });

  it('puts a multivariate anomaly on each of its metrics, without a single reading', () => {
    const store = new DeviceSeriesStore('boiler-1');
    store.addAnomaly(anomaly({ metric: 'humidity,temperature', metrics: ['humidity', 'temperature'] }));
    expect(store.metrics()).toEqual(['humidity', 'temperature']);
    expect(store.view('humidity').anomalies).toMatchObject([{ value: null, expected: null, score: 0.95 }]);
  });

  it('keeps only the range: drops older points and ignores events outside it', () => {
    const store = new DeviceSeriesStore('boiler-1');
    store.loadSeries(answer);
    store.keepRange(T0 + 30_000, T0 + 100_000);
    const view = store.view('temperature');
    expect(view.readings).toEqual([[T0 + 60_000, 21.2]]);
    expect(view.band.map((b) => b.ts)).toEqual([T0 + 60_000]);
    expect(view.anomalies).toHaveLength(1);
    expect(store.addAnomaly(anomaly({ ts: T0 + 100_000 }))).toBe(false);
    expect(store.view('nothing')).toEqual({ readings: [], band: [], forecasts: [], anomalies: [] });
  });
});
