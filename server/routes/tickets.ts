import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IntakeRequest, TicketListQuery } from '../../common/api';
import { Uuid } from '../../common/input';
import { currentUser } from '../auth/hook';
import { can, requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { HttpError, parseRequest } from '../http/errors';
import { createIntakeTicket } from '../intake/intake';
import { listTickets } from '../tickets/list';
import { loadEvents, loadTicket } from '../tickets/store';

const TicketParams = z.object({ id: Uuid });

export function registerTicketRoutes(app: FastifyInstance, { db, now, slaSettings }: ServerDeps): void {
  app.get('/api/v1/tickets', async (request) => {
    const user = currentUser(request);
    const query = parseRequest(TicketListQuery, request.query);
    const onlyCreatedBy = can(user.role, 'tickets.readAll') ? undefined : user.id;
    return listTickets(db, query, { userId: user.id, onlyCreatedBy });
  });

  app.get('/api/v1/tickets/:id', async (request) => {
    const user = currentUser(request);
    const { id } = parseRequest(TicketParams, request.params);
    const ticket = await loadTicket(db, id);
    // Someone else's ticket is "not found" for a restricted role: its existence is not revealed.
    if (!ticket || (!can(user.role, 'tickets.readAll') && ticket.createdBy !== user.id)) {
      throw new HttpError(404, 'not_found');
    }
    return { ticket, events: await loadEvents(db, id) };
  });

  app.post('/api/v1/tickets', async (request, reply) => {
    const user = currentUser(request);
    requirePermission(user, 'tickets.intake');
    const body = parseRequest(IntakeRequest, request.body);
    const ticket = await createIntakeTicket(db, user, body, now(), slaSettings.context());
    return reply.code(201).send(ticket);
  });
}
