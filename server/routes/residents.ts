import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ResidentId, ResidentQuery } from '../../common/api';
import { DirectoryQuery } from '../../common/residents/directory';
import { auditSource, recordAudit } from '../audit/log';
import { currentUser } from '../auth/hook';
import { requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { HttpError, parseRequest } from '../http/errors';
import { cachedPhoneHasher } from '../privacy/phone-hash';
import { REVEAL_ROLES } from '../privacy/reveal';
import { residentSummary } from '../privacy/wire';
import { directoryPageFor, readDirectoryPage } from '../residents/directory';
import { findResidentsByPhone, loadResident, searchResidents } from '../residents/lookup';

const ResidentParams = z.object({ id: ResidentId });

export function registerResidentRoutes(app: FastifyInstance, { db }: ServerDeps): void {
  /** Search results: phones masked (issue 11 §4). */
  app.get('/api/v1/residents', async (request) => {
    requirePermission(currentUser(request), 'residents.read');
    const { phone, q } = parseRequest(ResidentQuery, request.query);
    const found = phone !== undefined ? await findResidentsByPhone(db, phone) : await searchResidents(db, q ?? '');
    const hash = await cachedPhoneHasher(db);
    return { items: found.map((r) => residentSummary(r, hash)) };
  });

  /**
   * The directory for the consoles' offline cache, in pages after a cursor (see residents/directory.ts). Each page
   * downloaded is audited: who, from where, which page (cursor and size) — not what it held.
   */
  app.get('/api/v1/residents/directory', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'residents.read');
    const query = parseRequest(DirectoryQuery, request.query);
    return db.tx(async (q) => {
      const page = await readDirectoryPage(q, query);
      await recordAudit(q, {
        actor: user,
        action: 'residents.directory',
        subjectType: 'directory',
        subjectId: null,
        source: auditSource(request),
        detail: { cursor: query.cursor ?? null, limit: query.limit, returned: page.items.length, v: query.v },
      });
      return directoryPageFor(query.v, page);
    });
  });

  /**
   * One resident's full record, phones whole: audited like a reveal, and for the roles that may reveal a
   * resident's number (server/privacy/reveal.ts).
   */
  app.get('/api/v1/residents/:id', async (request) => {
    const user = currentUser(request);
    if (!REVEAL_ROLES.resident.includes(user.role)) throw new HttpError(403, 'forbidden', { reason: 'full_read' });
    const { id } = parseRequest(ResidentParams, request.params);
    return db.tx(async (q) => {
      const resident = await loadResident(q, id);
      if (!resident) throw new HttpError(404, 'not_found');
      await recordAudit(q, {
        actor: user,
        action: 'resident.read',
        subjectType: 'resident',
        subjectId: id,
        source: auditSource(request),
        detail: { fields: ['name', 'phones', 'units', 'tags'] },
      });
      return { resident };
    });
  });
}
