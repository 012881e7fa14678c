import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IntakeRequest, TicketListQuery, type IntakeReceipt } from '../../common/api';
import type { Ticket } from '../../common/domain';
import { Uuid } from '../../common/input';
import { currentUser } from '../auth/hook';
import { can, requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { HttpError, parseRequest } from '../http/errors';
import { createIntakeTicket } from '../intake/intake';
import { ticketForClient } from '../privacy/wire';
import { listTickets } from '../tickets/list';
import { loadEvents, loadTicket } from '../tickets/store';

const TicketParams = z.object({ id: Uuid });

/** The receipt for a caller that may not read tickets (the kiosk): no personal data comes back. */
function intakeReceipt(ticket: Ticket): IntakeReceipt {
  if (!ticket.code) throw new Error('an intake ticket always has its code');
  const { code, type, category, status, createdAt } = ticket;
  return { code, type, category, status, createdAt };
}

export function registerTicketRoutes(app: FastifyInstance, { db, now, slaSettings }: ServerDeps): void {
  app.get('/api/v1/tickets', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'tickets.read');
    const query = parseRequest(TicketListQuery, request.query);
    const page = await listTickets(db, query, { userId: user.id });
    // Phones masked (issue 11 §4).
    return { ...page, items: page.items.map((t) => ticketForClient(t, user.role)) };
  });

  app.get('/api/v1/tickets/:id', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'tickets.read');
    const { id } = parseRequest(TicketParams, request.params);
    const ticket = await loadTicket(db, id);
    if (!ticket) throw new HttpError(404, 'not_found');
    return { ticket: ticketForClient(ticket, user.role), events: await loadEvents(db, id) };
  });

  // A ticket's whole history, for a console whose first pull left it out (schema 6, server/sync/snapshot): the same
  // rules and the same event shape as reading the ticket and as the pull.
  app.get('/api/v1/tickets/:id/events', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'tickets.read');
    const { id } = parseRequest(TicketParams, request.params);
    if (!(await loadTicket(db, id))) throw new HttpError(404, 'not_found');
    return { ticketId: id, events: await loadEvents(db, id) };
  });

  app.post('/api/v1/tickets', async (request, reply) => {
    const user = currentUser(request);
    requirePermission(user, 'tickets.intake');
    const body = parseRequest(IntakeRequest, request.body);
    const ticket = await createIntakeTicket(db, user, body, now(), slaSettings.context());
    return reply
      .code(201)
      .send(can(user.role, 'tickets.read') ? ticketForClient(ticket, user.role) : intakeReceipt(ticket));
  });
}
