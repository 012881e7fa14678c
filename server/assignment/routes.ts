/**
 * Auto-assignment and escalation routes (issue 12 item 2). Leads and admins read the queues and escalations
 * (`assignment.read`) and change queue settings, capacities and acknowledge escalations (`assignment.manage`);
 * every other role gets 403. Bodies and params are parsed with the shared blocks; a refused change writes nothing.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SetCapacityRequest, SetQueueSettingsRequest } from '../../common/assignment';
import { Uuid, line } from '../../common/input';
import { currentUser } from '../auth/hook';
import { requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { parseRequest } from '../http/errors';
import { acknowledgeEscalation, listEscalations, sweepAssignments } from './escalation';
import { assignmentOverview, setAgentCapacity, setQueueSettings } from './settings';

const TeamParams = z.object({ teamId: line(64, { trim: true, min: 1 }) });
const IdParams = z.object({ id: Uuid });
const EscalationQuery = z.object({ open: z.enum(['true', 'false']).default('true') }).strict();

export function registerAssignmentRoutes(app: FastifyInstance, { db, now }: ServerDeps): void {
  app.get('/api/v1/assignment', async (request) => {
    requirePermission(currentUser(request), 'assignment.read');
    return assignmentOverview(db);
  });

  app.put('/api/v1/assignment/queues/:teamId', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'assignment.manage');
    const { teamId } = parseRequest(TeamParams, request.params);
    const body = parseRequest(SetQueueSettingsRequest, request.body);
    const saved = await setQueueSettings(db, user, teamId, body, now());
    // Steps already overdue past a new limit escalate now, not at the next minute's sweep. The settings are saved
    // either way: a failed sweep is logged and the periodic one tries again.
    if (body.escalateAfterMinutes !== null) {
      await sweepAssignments(db, now()).catch((err: unknown) =>
        request.log.warn({ err }, 'escalation sweep after saving queue settings failed'),
      );
    }
    return saved;
  });

  app.put('/api/v1/assignment/agents/:id/capacity', async (request) => {
    requirePermission(currentUser(request), 'assignment.manage');
    const { id } = parseRequest(IdParams, request.params);
    const { capacity } = parseRequest(SetCapacityRequest, request.body);
    return setAgentCapacity(db, id, capacity, now());
  });

  app.get('/api/v1/escalations', async (request) => {
    requirePermission(currentUser(request), 'assignment.read');
    const { open } = parseRequest(EscalationQuery, request.query);
    return { items: await listEscalations(db, { open: open === 'true' }) };
  });

  app.post('/api/v1/escalations/:id/acknowledge', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'assignment.manage');
    const { id } = parseRequest(IdParams, request.params);
    return acknowledgeEscalation(db, user, id, now());
  });
}
