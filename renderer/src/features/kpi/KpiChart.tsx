/**
 * One metric over the report's periods, a line per group (at most MAX_SERIES: the rest stay in the table).
 * ECharts from echarts/core with only the parts used; the SVG renderer, so the printed page is sharp. The chart is
 * a picture for sighted readers: its label names what it shows, and the same figures are in the summary table.
 */
import { LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { KpiDefinition, KpiReport } from '../../../../common/kpi';
import { chartValue } from './format';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

const MAX_SERIES = 10;

export interface ChartSeries {
  name: string;
  values: (number | null)[];
}

/** The periods (x axis) and one series per group, in the order the report gives them. */
export function chartData(
  report: KpiReport,
  metric: KpiDefinition,
  groupLabel: (groupId: string | null, groupName: string | null) => string,
): { periods: string[]; series: ChartSeries[] } {
  const periods = [...new Set(report.rows.map((r) => r.periodKey))];
  const groups = new Map<string, ChartSeries>();
  for (const total of report.totals.slice(0, MAX_SERIES)) {
    groups.set(total.groupId ?? '', {
      name: groupLabel(total.groupId, total.groupName),
      values: periods.map(() => null),
    });
  }
  for (const row of report.rows) {
    const series = groups.get(row.groupId ?? '');
    if (series) series.values[periods.indexOf(row.periodKey)] = chartValue(metric.unit, row.values[metric.id]);
  }
  return { periods, series: [...groups.values()] };
}

export function KpiChart({ label, periods, series }: { label: string; periods: string[]; series: ChartSeries[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const instance = echarts.init(el, undefined, { renderer: 'svg' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        aria: { enabled: true, label: { description: label } },
        animation: false,
        grid: { left: 48, right: 16, top: 40, bottom: 32 },
        tooltip: { trigger: 'axis' },
        legend: { type: 'scroll', top: 0 },
        xAxis: { type: 'category', data: periods },
        yAxis: { type: 'value' },
        series: series.map((s) => ({ type: 'line', name: s.name, data: s.values, connectNulls: false })),
      },
      { notMerge: true },
    );
  }, [label, periods, series]);

  return <div ref={ref} className="kpi-chart" role="img" aria-label={label} />;
}
