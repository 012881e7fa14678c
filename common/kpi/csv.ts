/**
 * The KPI report as CSV, built by this one function for GET /api/v1/kpi.csv and the desk's kpi.csv: the same rows
 * and numbers as the JSON, ratios as fractions (0.9231), one column per metric in KPI_IDS order, headed by its
 * Chinese and English names. A UTF-8 BOM makes Excel read it
 * as UTF-8 (without it, Chinese turns into mojibake there).
 */
import { KPI_DEFINITIONS } from './definitions';
import type { KpiReport, KpiRow } from './query';

const BOM = '\uFEFF';
const TOTAL_LABEL = '合计 Total';

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so a spreadsheet never runs a cell as a formula. */
function cell(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function line(row: KpiRow): string {
  const values = KPI_DEFINITIONS.map((k) => row.values[k.id]);
  return [row.periodKey || TOTAL_LABEL, row.groupId, row.groupName, ...values].map(cell).join(',');
}

export function kpiCsv(report: KpiReport): string {
  const header = ['周期 Period', '组 Group', '名称 Name', ...KPI_DEFINITIONS.map((k) => `${k.nameZh} ${k.nameEn}`)];
  const lines = [header.map(cell).join(','), ...report.rows.map(line), ...report.totals.map(line)];
  return BOM + lines.join('\r\n') + '\r\n';
}

export function kpiCsvFileName(report: KpiReport): string {
  const { period, from, to, group } = report.query;
  return `kpi-${period}-${group}-${from}-${to}.csv`;
}
