/**
 * `GET /api/v1/kpi` (JSON) and `GET /api/v1/kpi.csv`: the KPI dashboard's report for leads and admins, computed in
 * SQL over the KPI facts (server/kpi). Aggregates only — no resident's data — so reads are not audited. Each
 * answer says how long each of its queries took (Server-Timing): the kpi bench reads it from the running server.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KpiQuery, kpiCsv, kpiCsvFileName, type KpiReport } from '../../common/kpi';
import { siteTimeZone } from '../../common/sla/settings';
import { currentUser } from '../auth/hook';
import { requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { parseRequest } from '../http/errors';
import { kpiReport, type KpiTimings } from '../kpi/report';

const serverTiming = (t: KpiTimings) =>
  Object.entries(t)
    .map(([name, ms]) => `kpi-${name};dur=${ms.toFixed(1)}`)
    .join(', ');

export function registerKpiRoutes(app: FastifyInstance, { db, now, slaSettings }: ServerDeps): void {
  const report = async (request: FastifyRequest, reply: FastifyReply): Promise<KpiReport> => {
    requirePermission(currentUser(request), 'kpi.read');
    const query = parseRequest(KpiQuery, request.query);
    const timeZone = siteTimeZone(slaSettings.document().settings);
    const { report: body, timings } = await kpiReport(db, query, { timeZone, now: now() });
    void reply.header('server-timing', serverTiming(timings));
    return body;
  };

  app.get('/api/v1/kpi', async (request, reply) => report(request, reply));

  app.get('/api/v1/kpi.csv', async (request, reply) => {
    const body = await report(request, reply);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${kpiCsvFileName(body)}"`)
      .send(kpiCsv(body));
  });
}
