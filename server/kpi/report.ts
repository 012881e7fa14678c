/**
 * Builds a KPI report (common/kpi/query.ts) from the SQL queries of ./sql: rows per period and group, and each
 * group's totals over the whole range. Every figure comes from the daily rollups (./rollup-sql: sums, and
 * histograms for the percentiles, merged by ./histograms) when the period is made of whole site days at the
 * rollups' UTC offset, else from the facts. Each query's time is measured (the bench prints it; the route ignores
 * it).
 */
import { KPI_IDS, type KpiId, type KpiQuery, type KpiReport, type KpiRow, type KpiValues } from '../../common/kpi';
import { periodKey, reportRange } from '../../common/kpi/periods';
import { DEFAULT_SITE_TIME_ZONE, fixedUtcOffsetMinutes } from '../../common/sla/timezone';
import type { Db, Queryable } from '../db/driver';
import { histogramPercentiles, periodOfDays, type GroupHistograms } from './histograms';
import { callRollupSql, callbackHistogramsSql, responseHistogramsSql, ticketRollupSql } from './rollup-sql';
import { rollupOffsetSec } from './rollups';
import {
  CALLBACK_PERCENTILES,
  CALL_KPIS,
  RESPONSE_PERCENTILES,
  TICKET_KPIS,
  callKpiSql,
  callbackPercentileSql,
  kpisOf,
  responsePercentileSql,
  ticketKpiSql,
  type Percentiles,
} from './sql';

/**
 * A query's answer, column by column: row i is period `b[i]` (epoch seconds), group `g[i]`, `total[i]` = 1 for
 * the group's total over the range, and each of its KPIs' value at i.
 */
interface Answer {
  b: unknown[];
  g: (string | null)[];
  total: unknown[];
  kpis: Partial<Record<KpiId, unknown[]>>;
}

/** What a report's query needs: its shape, the SQL parameters ($1 start, $2 end, $3 offset in seconds). */
interface QueryInput {
  query: KpiQuery;
  start: number;
  end: number;
  offsetMin: number;
  params: unknown[];
}
type ReportQuery = (q: Queryable, input: QueryInput) => Promise<Answer>;
type ReportSql = (period: KpiQuery['period'], group: KpiQuery['group']) => string;

/**
 * A query of KPI columns `kpis` (and b, g, total). The rows come back as one row of JSON arrays, one a column:
 * PGlite decodes every field of every row in JavaScript, which was most of the time of a year by day per agent
 * (13k rows × 14 columns: ~280 ms, ~70 of it the query), and rows as JSON objects repeat every key; the arrays took
 * ~110 ms on PGlite and were quicker on PostgreSQL too. float8 prints the same shortest exact digits in JSON as in
 * text, so the numbers are the same.
 */
const rowsOf =
  (sql: ReportSql, kpis: readonly KpiId[]): ReportQuery =>
  async (q, { query, params }) => {
    const arrays = ['b', 'g', 'total', ...kpis].map((c) => `json_agg(r."${c}") AS "${c}"`).join(', ');
    const { rows } = await q.query<Record<string, unknown[] | null>>(
      `SELECT ${arrays} FROM (${sql(query.period, query.group)}) r`,
      params,
    );
    const column = (c: string) => rows[0]?.[c] ?? [];
    return {
      b: column('b'),
      g: column('g') as (string | null)[],
      total: column('total'),
      kpis: Object.fromEntries(kpis.map((id) => [id, column(id)])),
    };
  };

/** Percentiles from the rollups' daily histograms (`sql` reads them), merged per period and group in ./histograms. */
const percentilesOf =
  (sql: (group: KpiQuery['group']) => string, percentiles: Percentiles): ReportQuery =>
  async (q, { query, start, end, offsetMin, params }) => {
    const { rows } = await q.query<GroupHistograms>(sql(query.group), params);
    const days = periodOfDays(query.period, start, end, offsetMin);
    const merged = histogramPercentiles(rows, days, Object.values(percentiles));
    return {
      b: merged.map((m) => m.b),
      g: merged.map((m) => m.g),
      total: merged.map((m) => (m.b === null ? 1 : 0)),
      kpis: Object.fromEntries(kpisOf(percentiles).map((id, i) => [id, merged.map((m) => m.values[i])])),
    };
  };

/** The report's queries, run in this order (the bench prints each). */
const FROM_FACTS = {
  tickets: rowsOf(ticketKpiSql, TICKET_KPIS),
  responses: rowsOf(responsePercentileSql, kpisOf(RESPONSE_PERCENTILES)),
  calls: rowsOf(callKpiSql, CALL_KPIS),
  callbacks: rowsOf(callbackPercentileSql, kpisOf(CALLBACK_PERCENTILES)),
} satisfies Record<string, ReportQuery>;
const FROM_ROLLUPS: typeof FROM_FACTS = {
  tickets: rowsOf(ticketRollupSql, TICKET_KPIS),
  responses: percentilesOf(responseHistogramsSql, RESPONSE_PERCENTILES),
  calls: rowsOf(callRollupSql, CALL_KPIS),
  callbacks: percentilesOf(callbackHistogramsSql, CALLBACK_PERCENTILES),
};
export type KpiQueryName = keyof typeof FROM_FACTS;

/** Each query's time (ms), by query name: from sending its SQL to having its rows (merged, for histograms). */
export type KpiTimings = Record<KpiQueryName, number>;

/** Ratios to 4 places, everything else to 2: what the screen and the CSV both show. */
function rounded(id: KpiId, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  if (!Number.isFinite(n)) return null;
  const places = id.endsWith('Rate') || id.startsWith('onTime') || id === 'firstContactResolution' ? 4 : 2;
  return Number(n.toFixed(places));
}

const emptyValues = (): KpiValues => Object.fromEntries(KPI_IDS.map((id) => [id, null])) as KpiValues;

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

async function groupNames(q: Queryable, query: KpiQuery): Promise<Map<string, string>> {
  if (query.group === 'all') return new Map();
  const sql =
    query.group === 'team' ? 'SELECT id, name_zh AS name FROM teams' : 'SELECT id::text AS id, name FROM users';
  const { rows } = await q.query<{ id: string; name: string }>(sql);
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * Sorting for the percentiles and groups holds a year's rows (~120k at the demo's large size): with PostgreSQL's
 * default 4 MB it spilled to disk (an external merge), which was most of the query's time on PGlite.
 */
const REPORT_WORK_MEM = '64MB';

export interface KpiReportOptions {
  timeZone?: string;
  now: Date;
  /** false: every figure from the facts, never the rollups (tests compare both). Default true. */
  useRollups?: boolean;
}

export async function kpiReport(
  db: Db,
  query: KpiQuery,
  opts: KpiReportOptions,
): Promise<{ report: KpiReport; timings: KpiTimings }> {
  return db.tx(async (q) => {
    await q.query(`SELECT set_config('work_mem', '${REPORT_WORK_MEM}', true)`);
    return buildReport(q, query, opts);
  });
}

async function buildReport(
  q: Queryable,
  query: KpiQuery,
  opts: KpiReportOptions,
): Promise<{ report: KpiReport; timings: KpiTimings }> {
  const timeZone = opts.timeZone ?? DEFAULT_SITE_TIME_ZONE;
  const offsetMin = fixedUtcOffsetMinutes(timeZone) ?? 480;
  const { start, end } = reportRange(query.from, query.to, offsetMin);
  const params = [new Date(start).toISOString(), new Date(end).toISOString(), offsetMin * 60];
  const answers: Answer[] = [];
  const timings = {} as KpiTimings;
  // Shifts are not whole days; a site at another offset than the rollups' waits for their rebuild (./rollups).
  const rollups =
    opts.useRollups !== false && query.period !== 'shift' && (await rollupOffsetSec(q)) === offsetMin * 60;
  const queries = rollups ? FROM_ROLLUPS : FROM_FACTS;
  const input: QueryInput = { query, start, end, offsetMin, params };
  for (const [name, run] of Object.entries(queries) as [KpiQueryName, ReportQuery][]) {
    const { result, ms } = await timed(() => run(q, input));
    answers.push(result);
    timings[name] = ms;
  }
  const names = await groupNames(q, query);

  const byKey = new Map<string, KpiRow>();
  const rowOf = (b: unknown, g: string | null, total: unknown): KpiRow => {
    const startMs = Number(total) === 1 ? null : Number(b) * 1000;
    const key = `${startMs ?? 'total'}|${g ?? ''}`;
    let row = byKey.get(key);
    if (!row) {
      row = {
        periodStart: startMs === null ? null : new Date(startMs).toISOString(),
        periodKey: startMs === null ? '' : periodKey(query.period, startMs, offsetMin),
        groupId: g,
        groupName: g === null ? null : (names.get(g) ?? g),
        values: emptyValues(),
      };
      byKey.set(key, row);
    }
    return row;
  };
  for (const { b, g, total, kpis } of answers) {
    const columns = Object.entries(kpis) as [KpiId, unknown[]][];
    b.forEach((start, i) => {
      const row = rowOf(start, g[i] ?? null, total[i]);
      for (const [id, values] of columns) row.values[id] = rounded(id, values[i]);
    });
  }
  const all = [...byKey.values()];
  // Counts are 0, not "no data", where the other query found rows and this one none.
  for (const row of all) for (const id of ['tickets', 'callsInbound'] as const) row.values[id] ??= 0;
  const order = (a: KpiRow, b: KpiRow) =>
    (a.periodStart ?? '').localeCompare(b.periodStart ?? '') || (a.groupName ?? '').localeCompare(b.groupName ?? '');
  const report: KpiReport = {
    query: { period: query.period, from: query.from, to: query.to, group: query.group },
    timeZone,
    generatedAt: opts.now.toISOString(),
    rows: all.filter((r) => r.periodStart !== null).sort(order),
    totals: all.filter((r) => r.periodStart === null).sort(order),
  };
  return { report, timings };
}
