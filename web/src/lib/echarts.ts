/**
 * The only module that imports ECharts. Charts load it with a dynamic import(), so the
 * library lands in its own chunk that the tablet (which never draws a chart) never fetches.
 */
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, MarkLineComponent, CanvasRenderer]);

export { echarts };
