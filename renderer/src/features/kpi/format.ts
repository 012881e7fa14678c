/** How a KPI value reads on screen, by its unit: 92.3%, 12.5 min, 210 s, 4.60, 1,234; no value is "—". */
import type { KpiUnit } from '../../../../common/kpi';

const UNIT_TEXT = {
  'zh-CN': { min: ' 分钟', sec: ' 秒' },
  en: { min: ' min', sec: ' s' },
} as const;

export function formatKpiValue(unit: KpiUnit, value: number | null, language: 'zh-CN' | 'en'): string {
  if (value === null) return '—';
  switch (unit) {
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'min':
      return `${value.toFixed(1)}${UNIT_TEXT[language].min}`;
    case 'sec':
      return `${Math.round(value)}${UNIT_TEXT[language].sec}`;
    case 'score':
      return value.toFixed(2);
    case 'count':
      return Math.round(value).toLocaleString(language);
  }
}

/** The value as the chart plots it: ratios as percentages. */
export const chartValue = (unit: KpiUnit, value: number | null): number | null =>
  value === null ? null : unit === 'ratio' ? Number((value * 100).toFixed(2)) : value;
