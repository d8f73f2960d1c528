import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  LineChart,
  BarChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  TitleComponent,
  DataZoomComponent,
  MarkPointComponent,
  MarkLineComponent,
  MarkAreaComponent,
  CanvasRenderer,
]);

/** An ECharts chart in an element that keeps the dashboards' `data-points` / `data-drawn` convention. */
export interface MountedChart {
  readonly chart: echarts.ECharts;
  /**
   * Sets the option (merged, series replaced) and `data-points`; `data-drawn` follows once ECharts
   * has finished drawing them, animations included.
   */
  set(option: echarts.EChartsCoreOption, points: number): void;
  dispose(): void;
}

/**
 * Starts an ECharts chart (canvas) in `element`, resized with it. Every chart type and component the
 * pages use is registered here, so pages import ECharts' types from `echarts/core` only.
 *
 * @example
 * const rate = mountChart(root.querySelector('#fleet-rate')!);
 * rate.set({ xAxis: { type: 'time' }, yAxis: {}, series: [{ type: 'line', data }] }, data.length);
 * // later: rate.dispose();
 */
export function mountChart(element: HTMLElement): MountedChart {
  const chart = echarts.init(element, undefined, { renderer: 'canvas' });
  element.dataset.points = '0';
  chart.on('finished', () => {
    element.dataset.drawn = element.dataset.points;
  });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(element);
  return {
    chart,
    set(option, points) {
      element.dataset.points = String(points);
      chart.setOption(option, { replaceMerge: ['series'] });
    },
    dispose() {
      resize.disconnect();
      chart.dispose();
    },
  };
}
