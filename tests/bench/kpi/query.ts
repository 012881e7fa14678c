/**
 * kpi.query_max_ms (issue 12, DESIGN.md §9, budget 200 ms): the slowest KPI query a lead's reports run over the demo
 * generator's `--size large` data (200k tickets with their ~1.8M events, 300k calls), on PGlite and on PostgreSQL.
 *
 * The data is seeded in this process (server/seed/load.ts, which fills the KPI facts in the same transaction), then
 * for each report the real server (server/cli.ts) is started afresh on it, a lead signs in, and the report is asked
 * twice over HTTP: the first answer is the cold figure (the first run after the server starts: fresh PGlite
 * instance, or fresh connections on PostgreSQL, whose own buffers stay as the seed and earlier reports left them),
 * the second the warm one, printed beside it. Each answer's Server-Timing names the time of each of its SQL
 * queries (tickets, first-response percentiles, calls, callback median), from sending the query to having its
 * rows; the figure is the slowest cold query.
 * HTTP, JSON and the sign-in are not in it; seeding and server starts are logged, not counted.
 */
import type { KpiQuery } from '../../../common/kpi';
import { DEMO_PASSWORD } from '../../../server/seed/load';
import { seededDatabase } from '../seeded';
import { DEMO_LARGE_PREPARE } from '../sync/demo-large';
import { POSTGRES_SKIP_REASON, postgresAdminUrl, startServer, type Backend } from '../sync/fixtures';
import type { Bench, BenchContext, BenchEntry, BenchSkip } from '../types';

export const KPI_QUERY_BUDGET_MS = 200;
const DATA =
  'demo large (server/seed): 200k tickets with ~1.8M events, 300k calls, 200k residents over two years; ' +
  'a year-long report covers ~120k tickets';
const DAY_MS = 86_400_000;

type ReportShape = Omit<KpiQuery, 'from' | 'to'> & { days: number };

/** What a lead reports: a year by month, week and day (whole desk, teams, agents), a month by shift. */
const REPORTS: readonly ReportShape[] = [
  { period: 'month', group: 'all', days: 365 },
  { period: 'month', group: 'team', days: 365 },
  { period: 'month', group: 'agent', days: 365 },
  { period: 'week', group: 'all', days: 364 },
  { period: 'day', group: 'all', days: 365 },
  { period: 'day', group: 'agent', days: 365 },
  { period: 'shift', group: 'all', days: 31 },
  { period: 'day', group: 'team', days: 7 },
];

/** Shanghai calendar date of an instant. */
const shanghaiDate = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

function reportQuery(shape: ReportShape, nowMs: number): KpiQuery {
  const { days, ...rest } = shape;
  return { ...rest, from: shanghaiDate(nowMs - (days - 1) * DAY_MS), to: shanghaiDate(nowMs) };
}

/** Server-Timing `kpi-tickets;dur=12.3, kpi-calls;dur=4.5, …` → {tickets: 12.3, calls: 4.5, …}. */
function queryTimes(header: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const m = /^\s*kpi-(\w+);dur=([\d.]+)/.exec(part);
    if (m) out[m[1] as string] = Number(m[2]);
  }
  if (Object.keys(out).length === 0) throw new Error(`no KPI Server-Timing in the answer: ${header}`);
  return out;
}

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'lead01', password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`lead01 could not sign in: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

async function askReport(url: string, token: string, q: KpiQuery): Promise<Record<string, number>> {
  const params = new URLSearchParams({ period: q.period, group: q.group, from: q.from, to: q.to });
  const res = await fetch(`${url}/api/v1/kpi?${params.toString()}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /api/v1/kpi?${params.toString()}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  return queryTimes(res.headers.get('server-timing'));
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function measure(backend: Backend, ctx: BenchContext): Promise<BenchEntry> {
  // The push benches' template (seeded once, cloned per run; tests/bench/seeded.ts); its reports end on its `now`.
  const database = await seededDatabase(backend, 'large', ctx, { prepare: DEMO_LARGE_PREPARE });
  try {
    const now = database.seededAt;

    let slowest = { ms: 0, what: '' };
    for (const shape of REPORTS) {
      const q = reportQuery(shape, now.getTime());
      const server = await startServer(database);
      try {
        const token = await signIn(server.url);
        const cold = await askReport(server.url, token, q);
        const warm = await askReport(server.url, token, q);
        const what = `${q.period}/${q.group} ${q.from}..${q.to}`;
        for (const name of Object.keys(cold)) {
          ctx.log(`${backend}: ${what} ${name} query: cold ${fmt(cold[name] ?? 0)}, warm ${fmt(warm[name] ?? 0)}`);
          if ((cold[name] ?? 0) > slowest.ms) slowest = { ms: cold[name] ?? 0, what: `${what} ${name}` };
        }
      } finally {
        await server.stop();
      }
    }
    const span =
      `the slowest of ${REPORTS.length} reports' SQL queries (${slowest.what}), each report asked once right after ` +
      'a fresh server start (cold: new process and connections, after the start-up jobs a real start runs, the ' +
      "KPI rollups' upkeep among them; the database's buffers and the OS cache as the seed and earlier reports " +
      'left them; its warm repeat is logged): from sending the SQL to having its rows, as the ' +
      "answer's Server-Timing says; not counted: the sign-in, HTTP, the report's assembly and JSON";
    ctx.log(`${backend}: kpi.query_max_ms = ${fmt(slowest.ms)}; ${span}; ${DATA}`);
    return {
      key: `kpi.query_max_ms.${backend}`,
      value: Number(slowest.ms.toFixed(1)),
      unit: 'ms',
      budget: KPI_QUERY_BUDGET_MS,
      data: DATA,
      span,
    };
  } finally {
    await database.dispose();
  }
}

export function kpiQueryBench(backend: Backend): Bench {
  const key = `kpi.query_max_ms.${backend}`;
  return {
    name: `KPI queries over demo large (${backend})`,
    keys: [key],
    async run(ctx): Promise<Array<BenchEntry | BenchSkip>> {
      if (backend === 'postgres' && !postgresAdminUrl()) return [{ key, skipped: POSTGRES_SKIP_REASON }];
      return [await measure(backend, ctx)];
    },
  };
}
