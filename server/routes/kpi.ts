/**
 * `GET /api/v1/kpi` (JSON) and `GET /api/v1/kpi.csv`: the KPI dashboard's report for leads and admins, computed in
 * SQL over the KPI facts (server/kpi). Aggregates only — no resident's data — so reads are not audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KpiQuery, kpiCsv, kpiCsvFileName, type KpiReport } from '../../common/kpi';
import { siteTimeZone } from '../../common/sla/settings';
import { currentUser } from '../auth/hook';
import { requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { parseRequest } from '../http/errors';

import { kpiReport } from '../kpi/report';

export function registerKpiRoutes(app: FastifyInstance, { db, now, slaSettings }: ServerDeps): void {
  const report = async (request: FastifyRequest): Promise<KpiReport> => {
    requirePermission(currentUser(request), 'kpi.read');
    const query = parseRequest(KpiQuery, request.query);
    const timeZone = siteTimeZone(slaSettings.document().settings);
    return (await kpiReport(db, query, { timeZone, now: now() })).report;
  };

  app.get('/api/v1/kpi', async (request) => report(request));

  app.get('/api/v1/kpi.csv', async (request, reply) => {
    const body = await report(request);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${kpiCsvFileName(body)}"`)
      .send(kpiCsv(body));
  });
}
