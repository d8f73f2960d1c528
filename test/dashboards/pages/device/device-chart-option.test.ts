import type { LineSeriesOption, ScatterSeriesOption } from 'echarts';
import { describe, expect, it } from 'vitest';
import {
  anomalyY,
  deviceChartOption,
  deviceTooltip,
} from '../../../../dashboards/src/pages/device/device-chart-option.ts';
import type { MetricView } from '../../../../dashboards/src/pages/device/device-series.ts';

const T0 = 1_700_000_000_000;

const view: MetricView = {
  readings: [
    [T0, 21],
    [T0 + 10_000, 22],
    [T0 + 20_000, 40],
  ],
  band: [
    { ts: T0, min: 20, mean: 21, max: 22 },
    { ts: T0 + 10_000, min: 21, mean: null, max: 23 },
  ],
  forecasts: [
    {
      model: 'forecast',
      points: [
        { ts: T0, expected: 21.1, lower: 20, upper: 22 },
        { ts: T0 + 10_000, expected: 21.5, lower: null, upper: 23 },
      ],
    },
  ],
  anomalies: [
    { ts: T0 + 20_000, detector: 'spikes', score: 0.97, value: 40, expected: 21, reason: 'way <above>' },
    { ts: T0 + 12_000, detector: 'silence', score: null, value: null, expected: null, reason: '' },
  ],
};

type AnySeries = LineSeriesOption | ScatterSeriesOption;

describe('deviceChartOption', () => {
  const range = { from: T0 - 1_000, to: T0 + 60_000, at: T0 + 20_000 };
  const { option, points, anomalies } = deviceChartOption('temperature', view, range);
  const series = option.series as AnySeries[];
  const byId = (id: string) => series.find((s) => s.id === id);

  it('draws readings, band, forecast with interval and anomalies, counting every point', () => {
    expect(series.map((s) => s.id)).toEqual([
      'band:lower',
      'band:width',
      'band-mean',
      'reading',
      'interval:forecast:lower',
      'interval:forecast:width',
      'forecast:forecast',
      'anomalies',
    ]);
    expect(byId('reading')?.data).toEqual([
      [T0, 21],
      [T0 + 10_000, 22],
      [T0 + 20_000, 40],
    ]);
    expect(byId('band:lower')?.data).toEqual([
      [T0, 20],
      [T0 + 10_000, 21],
    ]);
    expect(byId('band:width')?.data).toEqual([
      [T0, 2],
      [T0 + 10_000, 2],
    ]);
    expect(byId('interval:forecast:width')?.data).toEqual([
      [T0, 2],
      [T0 + 10_000, null],
    ]);
    expect(byId('forecast:forecast')?.data).toEqual([
      [T0, 21.1],
      [T0 + 10_000, 21.5],
    ]);
    expect(points).toBe(3 + 2 + 2 + 2);
    expect(anomalies).toBe(2);
    expect(option.xAxis).toMatchObject({ type: 'time', min: range.from, max: range.to });
  });

  it('places anomalies on their reading, else the nearest reading, sized by score', () => {
    const marks = byId('anomalies') as ScatterSeriesOption;
    expect(marks.type).toBe('scatter');
    expect(marks.data).toEqual([
      [T0 + 20_000, 40, 0.97, 0],
      [T0 + 12_000, 22, null, 1],
    ]);
    const size = marks.symbolSize as (datum: unknown[]) => number;
    expect(size([0, 0, 1, 0])).toBeGreaterThan(size([0, 0, 0.1, 0]));
  });

  it('marks the moment it was opened at', () => {
    expect(byId('reading')?.markLine).toMatchObject({ data: [{ xAxis: T0 + 20_000 }] });
    const plain = deviceChartOption('temperature', view, { from: 0, to: 1 }).option.series as AnySeries[];
    expect(plain.find((s) => s.id === 'reading')?.markLine).toBeUndefined();
  });

  it('draws nothing it cannot place, and counts an empty view as 0 points', () => {
    const empty = deviceChartOption(
      't',
      { readings: [], band: [], forecasts: [], anomalies: [view.anomalies[1]!] },
      range,
    );
    expect(empty.points).toBe(0);
    expect(empty.anomalies).toBe(0);
  });
});

describe('anomalyY', () => {
  it('prefers the reading, then the nearest reading, then the expected value', () => {
    const mark = { ts: 5, detector: 'd', score: 1, value: null, expected: 3, reason: '' };
    expect(anomalyY({ ...mark, value: 9 }, [[4, 20]])).toBe(9);
    expect(
      anomalyY(mark, [
        [4, 20],
        [9, 30],
      ]),
    ).toBe(20);
    expect(anomalyY(mark, [])).toBe(3);
  });
});

describe('deviceTooltip', () => {
  it('lists what is under the pointer, an anomaly with its score, detector and escaped reason', () => {
    const text = deviceTooltip(
      'temperature',
      view.anomalies,
    )([
      { seriesId: 'band:lower', seriesName: 'window min–max', data: [T0 + 20_000, 20] },
      { seriesId: 'reading', seriesName: 'reading', data: [T0 + 20_000, 40] },
      { seriesId: 'forecast:forecast', seriesName: 'forecast forecast', data: [T0 + 20_000, null] },
      { seriesId: 'anomalies', seriesName: 'anomalies', data: [T0 + 20_000, 40, 0.97, 0] },
    ]);
    const lines = text.split('<br>');
    expect(lines[0]).toMatch(/^temperature · /);
    expect(lines.slice(1)).toEqual([
      'reading 40',
      'forecast forecast –',
      '<b style="color:#dc2626">anomaly</b> score 0.97 (spikes): way &#60;above&#62;',
    ]);
  });

  it('answers nothing when nothing is under the pointer', () => {
    expect(deviceTooltip('t', [])([])).toBe('');
  });
});
