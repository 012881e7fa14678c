/**
 * The lobby kiosk and the queue (issue 12 §4). The kiosk's own flows answer only the kiosk role; the board
 * answers the kiosk and the desk staff; calling numbers is the desk staff's. Inputs parse with common/kiosk/api.
 */
import type { FastifyInstance } from 'fastify';
import {
  CallNextRequest,
  KioskRepairRequest,
  KioskStatusRequest,
  QueueNumberId,
  TakeNumberRequest,
} from '../../common/kiosk/api';
import { queueDay } from '../../common/kiosk/lines';
import { siteTimeZone } from '../../common/sla/settings';
import { currentUser } from '../auth/hook';
import { requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { parseRequest } from '../http/errors';
import { KIOSK_FAILURE_LIMITS, type FailureLimits } from '../kiosk/failures';
import { registerQueueFanOut } from '../kiosk/live';
import { board, callNext, recall, skip, takeNumber } from '../kiosk/queue';
import { reportRepair } from '../kiosk/repair';
import { checkStatus } from '../kiosk/status';

export interface KioskRouteOptions {
  /** Wrong-digits limits (tests lower them). */
  limits?: FailureLimits;
}

export function registerKioskRoutes(
  app: FastifyInstance,
  deps: ServerDeps,
  { limits = KIOSK_FAILURE_LIMITS }: KioskRouteOptions = {},
): void {
  const { db, now, slaSettings } = deps;
  /** Numbers restart every day in the site's time zone (Asia/Shanghai unless the calendar names another). */
  const today = (at: Date) => queueDay(at, siteTimeZone(slaSettings.document().settings));
  registerQueueFanOut(app, db);

  app.post('/api/v1/kiosk/numbers', async (request, reply) => {
    const user = currentUser(request);
    requirePermission(user, 'kiosk.flows');
    const { line } = parseRequest(TakeNumberRequest, request.body);
    const at = now();
    return reply.code(201).send(await takeNumber(db, user.id, line, today(at), at));
  });

  app.post('/api/v1/kiosk/repairs', async (request, reply) => {
    const user = currentUser(request);
    requirePermission(user, 'kiosk.flows');
    const body = parseRequest(KioskRepairRequest, request.body);
    const receipt = await reportRepair(db, user, body, { now: now(), sla: slaSettings.context(), limits });
    return reply.code(201).send(receipt);
  });

  app.post('/api/v1/kiosk/status', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'kiosk.flows');
    const body = parseRequest(KioskStatusRequest, request.body);
    return checkStatus(db, user, body, { now: now(), limits });
  });

  app.get('/api/v1/queue/board', async (request) => {
    requirePermission(currentUser(request), 'queue.watch');
    return board(db, today(now()));
  });

  app.post('/api/v1/queue/call-next', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'queue.call');
    const body = parseRequest(CallNextRequest, request.body);
    const at = now();
    return callNext(db, user.id, body, today(at), at);
  });

  app.post('/api/v1/queue/recall', async (request) => {
    requirePermission(currentUser(request), 'queue.call');
    const { id } = parseRequest(QueueNumberId, request.body);
    const at = now();
    return recall(db, id, today(at), at);
  });

  app.post('/api/v1/queue/skip', async (request) => {
    requirePermission(currentUser(request), 'queue.call');
    const { id } = parseRequest(QueueNumberId, request.body);
    return skip(db, id, today(now()));
  });
}
