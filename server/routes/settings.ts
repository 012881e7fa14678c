/**
 * SLA settings routes (issue 4 item 2). Every signed-in role reads them (consoles need the policy offline);
 * admins change limits and year schedules, leads and admins switch the weather alert. Roles are checked here,
 * bodies with the shared zod schemas; a rejected change writes nothing.
 */
import type { FastifyInstance } from 'fastify';
import {
  SetSlaLimitsRequest,
  SetWeatherAlertRequest,
  SetYearScheduleRequest,
  slaWarnings,
  type SlaSettingsDocument,
} from '../../common/sla';
import { currentUser } from '../auth/hook';
import { requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { parseRequest } from '../http/errors';

export function registerSettingsRoutes(app: FastifyInstance, { slaSettings, now }: ServerDeps): void {
  const view = (doc: SlaSettingsDocument) => ({ ...doc, warnings: slaWarnings(slaSettings.context().policy, now()) });

  app.get('/api/v1/settings/sla', async (request) => {
    currentUser(request);
    return view(await slaSettings.load());
  });

  app.put('/api/v1/settings/sla/limits', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'settings.sla');
    const { limits } = parseRequest(SetSlaLimitsRequest, request.body);
    return view(await slaSettings.setLimits(user, limits));
  });

  app.put('/api/v1/settings/sla/calendar', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'settings.sla');
    const schedule = parseRequest(SetYearScheduleRequest, request.body);
    return view(await slaSettings.setYearSchedule(user, schedule));
  });

  app.put('/api/v1/settings/sla/weather', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'settings.weatherAlert');
    const { on } = parseRequest(SetWeatherAlertRequest, request.body);
    return view(await slaSettings.setWeatherAlert(user, on));
  });
}
