import type { LineSeriesOption } from 'echarts';
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  formatNumber,
  liveChartOption,
  PALETTE,
} from '../../../dashboards/src/live/chart-option.ts';
import type { ChartSeries } from '../../../dashboards/src/live/series-store.ts';

const series: ChartSeries[] = [
  {
    name: 'boiler-1',
    device: 'boiler-1',
    window: '10s',
    points: [
      { start: 0, mean: 21, min: 20, max: 23, count: 10 },
      { start: 10_000, mean: 22, min: 21.5, max: 22.5, count: 9 },
    ],
  },
  {
    name: '<b>x</b>',
    device: '<b>x</b>',
    window: '10s',
    points: [{ start: 0, mean: -1, min: -3, max: 2, count: 2 }],
  },
];

describe('liveChartOption', () => {
  const option = liveChartOption('temperature', series);
  const lines = option.series as LineSeriesOption[];

  it('draws, per series, a mean line over a stacked min–max band of the same colour and name', () => {
    expect(lines.map((l) => l.id)).toEqual([
      'min:boiler-1',
      'range:boiler-1',
      'mean:boiler-1',
      'min:<b>x</b>',
      'range:<b>x</b>',
      'mean:<b>x</b>',
    ]);
    const [min, range, mean] = lines;
    expect(min?.data).toEqual([
      [0, 20],
      [10_000, 21.5],
    ]);
    expect(range?.data).toEqual([
      [0, 3],
      [10_000, 1],
    ]);
    expect(mean?.data).toEqual([
      [0, 21, 20, 23, 10],
      [10_000, 22, 21.5, 22.5, 9],
    ]);
    expect(new Set(lines.slice(0, 3).map((l) => l.name))).toEqual(new Set(['boiler-1']));
    expect(new Set(lines.slice(0, 3).map((l) => l.color))).toEqual(new Set([PALETTE[0]]));
    expect(lines[3]?.color).toBe(PALETTE[1]);
    expect(min?.stack).toBe(range?.stack);
    expect(min?.stackStrategy).toBe('all'); // a band below zero still stacks
  });

  it('uses a time x axis, a scaled y axis named after the metric, and one legend entry per series', () => {
    expect(option.xAxis).toMatchObject({ type: 'time' });
    expect(option.yAxis).toMatchObject({
      type: 'value',
      scale: true,
      name: 'temperature (mean, min–max band)',
    });
    expect(option.legend).toMatchObject({ data: ['boiler-1', '<b>x</b>'] });
  });

  it('lists mean, min, max and count per device in the tooltip, escaping names', () => {
    const formatter = (option.tooltip as { formatter: (params: unknown) => string }).formatter;
    const html = formatter([
      { seriesId: 'min:boiler-1', seriesName: 'boiler-1', data: [0, 20] },
      { seriesId: 'mean:boiler-1', seriesName: 'boiler-1', color: '#2563eb', data: [0, 21, 20, 23, 10] },
      { seriesId: 'mean:<b>x</b>', seriesName: '<b>x</b>', color: '#dc2626', data: [0, -1, -3, 2, 2] },
    ]);
    expect(html).toContain('<b>boiler-1</b> 21 <span style="color:#6b7280">(min 20, max 23, n=10)</span>');
    expect(html).toContain('<b>&#60;b&#62;x&#60;/b&#62;</b> -1');
    expect(html).not.toContain('<b>x</b>');
    expect(formatter([])).toBe('');
  });
});

describe('formatNumber / escapeHtml', () => {
  it('rounds to 3 decimals and switches to exponents for extreme magnitudes', () => {
    expect(formatNumber(21.123456)).toBe('21.123');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1234567)).toBe('1.235e+6');
    expect(formatNumber(0.0001234)).toBe('1.234e-4');
    expect(formatNumber(Number.NaN)).toBe('NaN');
  });

  it('escapes the five HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});
