/**
 * Residents' personal data (issue 11 §4): the audited reveal of one whole phone number, and the phone hash secret
 * consoles match numbers with offline (common/residents/phone-hash).
 */
import type { FastifyInstance } from 'fastify';
import { RevealRequest, type RevealResponse } from '../../common/api';
import type { PhoneHashKeyResponse } from '../../common/residents/phone-hash';
import { auditSource } from '../audit/log';
import { currentUser } from '../auth/hook';
import { requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { parseRequest } from '../http/errors';
import { readPhoneHashSecret } from '../privacy/phone-hash';
import { revealNumber } from '../privacy/reveal';

export function registerRevealRoutes(app: FastifyInstance, { db }: ServerDeps): void {
  app.post('/api/v1/privacy/reveal', async (request): Promise<RevealResponse> => {
    const user = currentUser(request);
    const body = parseRequest(RevealRequest, request.body);
    const number = await db.tx((q) => revealNumber(q, user, body, auditSource(request, body.clientId)));
    return { number };
  });

  /** Only for roles that keep a console's cache: the secret is what its hashes mean. */
  app.get('/api/v1/privacy/phone-hash-key', async (request): Promise<PhoneHashKeyResponse> => {
    requirePermission(currentUser(request), 'sync');
    return { secret: (await readPhoneHashSecret(db)).toString('base64') };
  });
}
