/**
 * The CTI and call-log routes (issue 10 item 3). Every route authenticates (the Zammad-compatible one by the
 * token in its path, as Zammad does), roles are checked here and fail closed, bodies are validated with zod, and
 * client mistakes are 4xx with a reason. Webhooks are rate-limited per client address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CallEvent, CallEventBatch } from '../../common/calls/envelope';
import { CtiSiteSettings, CtiSiteSettingsPatch } from '../../common/calls/site-settings';
import { Uuid } from '../../common/input';
import { currentUser } from '../auth/hook';
import { requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { HttpError, parseRequest } from '../http/errors';
import {
  CallerIdRules,
  NewBlock,
  addBlock,
  callerIdFor,
  listBlocks,
  listCallerIdRules,
  removeBlock,
  replaceCallerIdRules,
} from './blocks';
import { registerFormParsers } from './forms';
import { cachedPhoneHasher } from '../privacy/phone-hash';
import { maskCall } from '../../common/calls/mask';
import type { IngestJob } from './ingest';
import { createIngestQueue } from './ingest-queue';
import { CallListQuery, listCalls } from './list';
import { readCtiSettings, writeCtiSettings } from './settings';
import { ZAMMAD_ERRORS, parseZammadRequest, rejectedEnvelope } from './zammad';

export interface CtiRouteOptions {
  /** The Zammad-compatible endpoint's token (--cti-token / DESK_CTI_TOKEN); null or empty: that endpoint is off. */
  token: string | null;
  /** Requests per client address and window on the two webhook endpoints. */
  rateLimit: { max: number; timeWindow: number | string };
}

/** A webhook carries one event, or a batch of at most 100 small envelopes. */
const WEBHOOK_BODY_LIMIT = 256 * 1024;
const IdParams = z.object({ id: Uuid });

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
/** Constant time whatever the lengths: equal-length digests are compared, never the strings. */
export function tokenMatches(expected: string, given: string): boolean {
  return timingSafeEqual(digest(expected), digest(given));
}

export function registerCtiRoutes(app: FastifyInstance, deps: ServerDeps, options: CtiRouteOptions): void {
  const { db, now } = deps;
  const webhook = { bodyLimit: WEBHOOK_BODY_LIMIT, config: { rateLimit: options.rateLimit } };
  // Events that arrive together commit together (group commit); each request is answered after its group commits.
  const events = createIngestQueue(db, now);

  app.post('/api/v1/cti/events', webhook, async (request) => {
    requirePermission(currentUser(request), 'cti');
    const body = parseRequest(CallEventBatch, request.body);
    return events.run({
      plan: async () => ({ events: Array.isArray(body) ? body : [body], answer: (results) => ({ results }) }),
    });
  });

  // Zammad's form bodies, for this route only (content-type parsers are scoped to their plugin).
  app.register(async (zammad) => {
    registerFormParsers(zammad);
    zammad.post<{ Params: { token: string } }>(
      '/api/v1/cti/generic/:token',
      // The token is in the path: no request log lines (they print the URL) below warnings.
      { ...webhook, logLevel: 'warn', config: { ...webhook.config, public: true } },
      async (request, reply) => {
        const answer = await events.run(zammadJob(deps, options.token, String(request.params.token), request.body));
        return reply.code(answer.status).send(answer.body);
      },
    );
  });

  /** The call log: numbers masked, with their hashes (issue 11 §4); `number` still filters by a whole number. */
  app.get('/api/v1/calls', async (request) => {
    requirePermission(currentUser(request), 'calls.read');
    const page = await listCalls(db, parseRequest(CallListQuery, request.query));
    const hash = await cachedPhoneHasher(db);
    return { ...page, items: page.items.map((c) => maskCall(c, hash)) };
  });

  app.get('/api/v1/cti/blocks', async (request) => {
    requirePermission(currentUser(request), 'cti.blocks');
    return { items: await listBlocks(db, now()) };
  });

  app.post('/api/v1/cti/blocks', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'cti.blocks');
    const input = parseRequest(NewBlock, request.body);
    return db.tx(async (q) => {
      const block = await addBlock(q, input, user, now());
      // The block's id, not its number: the audit log keeps no phone number (issue 11 §4).
      await audit(q, user.id, 'cti.block', block.id, { reason: block.reason, expiresAt: block.expiresAt });
      return block;
    });
  });

  app.delete<{ Params: { id: string } }>('/api/v1/cti/blocks/:id', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'cti.blocks');
    const { id } = parseRequest(IdParams, request.params);
    return db.tx(async (q) => {
      if (!(await removeBlock(q, id))) throw new HttpError(404, 'not_found');
      await audit(q, user.id, 'cti.unblock', id, {});
      return { ok: true };
    });
  });

  app.get('/api/v1/cti/caller-id-rules', async (request) => {
    requirePermission(currentUser(request), 'cti.admin');
    return { rules: await listCallerIdRules(db) };
  });

  app.put('/api/v1/cti/caller-id-rules', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'cti.admin');
    const { rules } = parseRequest(CallerIdRules, request.body);
    await db.tx(async (q) => {
      await replaceCallerIdRules(q, rules);
      await audit(q, user.id, 'cti.callerIdRules', 'caller_id_rules', { rules });
    });
    return { rules };
  });

  app.get('/api/v1/cti/settings', async (request) => {
    const user = currentUser(request);
    if (user.role !== 'admin') requirePermission(user, 'calls.read');
    return readCtiSettings(db);
  });

  app.put('/api/v1/cti/settings', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'cti.admin');
    const patch = parseRequest(CtiSiteSettingsPatch, request.body);
    return db.tx(async (q) => {
      // Fields left out keep their values: switching the integration off keeps the wrap-up codes.
      const next = parseRequest(CtiSiteSettings, { ...(await readCtiSettings(q)), ...stripUndefined(patch) });
      await writeCtiSettings(q, next, user);
      await audit(q, user.id, 'cti.settings', 'cti', next);
      return next;
    });
  });
}

interface ZammadAnswer {
  status: 200 | 400 | 401 | 422;
  body: object;
}

/**
 * One request to the Zammad-compatible endpoint, checked in Zammad's order (a switched-off integration says so
 * before the token is looked at), and what Zammad's driver (cti/driver/base.rb) answers: an inbound newCall from a
 * blocked caller is refused (and recorded as refused), an outbound newCall that a caller-ID rule matches is told
 * the caller ID to present, anything else is `{}`.
 */
function zammadJob(
  { now }: ServerDeps,
  expectedToken: string | null,
  token: string,
  body: unknown,
): IngestJob<ZammadAnswer> {
  const refuse = (status: ZammadAnswer['status'], answer: object) => ({
    events: [],
    answer: (): ZammadAnswer => ({ status, body: answer }),
  });
  return {
    async plan(reads) {
      const settings = await reads.settings();
      if (!expectedToken || !settings.enabled) return refuse(422, { error: ZAMMAD_ERRORS.disabled });
      if (!tokenMatches(expectedToken, token)) return refuse(401, { error: ZAMMAD_ERRORS.token });
      const req = parseZammadRequest(body, now());
      if (!req.ok) return refuse(req.status, req.body);
      const { envelope } = req;
      const newCall = req.event === 'newCall';
      if (newCall && req.direction === 'in' && envelope.from && (await reads.blocked(envelope.from, now()))) {
        return {
          events: [CallEvent.parse(envelope), CallEvent.parse(rejectedEnvelope(envelope))],
          settings,
          answer: () => ({ status: 200, body: { action: 'reject', reason: 'busy' } }),
        };
      }
      const callerId =
        newCall && req.direction === 'out' && envelope.to
          ? callerIdFor(await reads.callerIdRules(), envelope.to)
          : null;
      return {
        // As Zammad logs it: the call goes out from the caller ID the PBX is told to present.
        events: [CallEvent.parse(callerId ? { ...envelope, from: callerId } : envelope)],
        settings,
        answer: () => ({
          status: 200,
          body: callerId ? { action: 'dial', caller_id: callerId, number: envelope.to } : {},
        }),
      };
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function audit(
  q: { query: (sql: string, params: unknown[]) => Promise<unknown> },
  actorId: string,
  action: string,
  subject: string,
  data: unknown,
): Promise<void> {
  await q.query('INSERT INTO audit_log (actor_id, action, subject, data) VALUES ($1, $2, $3, $4::jsonb)', [
    actorId,
    action,
    subject,
    JSON.stringify(data),
  ]);
}
