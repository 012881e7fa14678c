/**
 * Builds a KPI report (common/kpi/query.ts) from the SQL queries of ./sql: rows per period and group, and each
 * group's totals over the whole range. Every figure comes from the daily rollups (./rollup-sql: sums, and
 * histograms for the percentiles) when the period is made of whole site days at the rollups' UTC offset, else
 * from the facts. Each query's time is measured (the bench prints it; the route ignores it).
 */
import { KPI_IDS, type KpiId, type KpiQuery, type KpiReport, type KpiRow, type KpiValues } from '../../common/kpi';
import { periodKey, reportRange } from '../../common/kpi/periods';
import { DEFAULT_SITE_TIME_ZONE, fixedUtcOffsetMinutes } from '../../common/sla/timezone';
import type { Db, Queryable } from '../db/driver';
import { callRollupSql, callbackRollupSql, responseRollupSql, ticketRollupSql } from './rollup-sql';
import { rollupOffsetSec } from './rollups';
import { callKpiSql, callbackPercentileSql, responsePercentileSql, ticketKpiSql } from './sql';

type ReportSql = (period: KpiQuery['period'], group: KpiQuery['group']) => string;

/** The report's queries, run in this order (the bench prints each). */
const FROM_FACTS = {
  tickets: ticketKpiSql,
  responses: responsePercentileSql,
  calls: callKpiSql,
  callbacks: callbackPercentileSql,
} satisfies Record<string, ReportSql>;
const FROM_ROLLUPS: typeof FROM_FACTS = {
  tickets: ticketRollupSql,
  responses: responseRollupSql,
  calls: callRollupSql,
  callbacks: callbackRollupSql,
};
export type KpiQueryName = keyof typeof FROM_FACTS;

/** Each query's time (ms), by query name. */
export type KpiTimings = Record<KpiQueryName, number>;

type SqlRow = { b: unknown; g: string | null; total: unknown; response_pct?: unknown } & Partial<
  Record<KpiId, unknown>
>;

/** The tickets query sorts first responses once for both percentiles: [median, p90], or null with none. */
function withPercentiles(r: SqlRow): SqlRow {
  if (!('response_pct' in r)) return r;
  const pct = Array.isArray(r.response_pct) ? (r.response_pct as unknown[]) : [null, null];
  return { ...r, firstResponseMedianMin: pct[0], firstResponseP90Min: pct[1] };
}

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
  const results: SqlRow[] = [];
  const timings = {} as KpiTimings;
  // Shifts are not whole days; a site at another offset than the rollups' waits for their rebuild (./rollups).
  const rollups =
    opts.useRollups !== false && query.period !== 'shift' && (await rollupOffsetSec(q)) === offsetMin * 60;
  const queries = rollups ? FROM_ROLLUPS : FROM_FACTS;
  for (const [name, sql] of Object.entries(queries) as [KpiQueryName, ReportSql][]) {
    const { result, ms } = await timed(() => q.query<SqlRow>(sql(query.period, query.group), params));
    results.push(...result.rows.map(withPercentiles));
    timings[name] = ms;
  }
  const names = await groupNames(q, query);

  const byKey = new Map<string, KpiRow>();
  for (const r of results) {
    const isTotal = Number(r.total) === 1;
    const startMs = isTotal ? null : Number(r.b) * 1000;
    const key = `${startMs ?? 'total'}|${r.g ?? ''}`;
    let row = byKey.get(key);
    if (!row) {
      row = {
        periodStart: startMs === null ? null : new Date(startMs).toISOString(),
        periodKey: startMs === null ? '' : periodKey(query.period, startMs, offsetMin),
        groupId: r.g,
        groupName: r.g === null ? null : (names.get(r.g) ?? r.g),
        values: emptyValues(),
      };
      byKey.set(key, row);
    }
    for (const id of KPI_IDS) if (id in r) row.values[id] = rounded(id, r[id]);
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
