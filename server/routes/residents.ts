import type { FastifyInstance } from 'fastify';
import { ResidentQuery } from '../../common/api';
import { DirectoryQuery } from '../../common/residents/directory';
import { currentUser } from '../auth/hook';
import { requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { parseRequest } from '../http/errors';
import { readDirectoryPage } from '../residents/directory';
import { findResidentsByPhone, searchResidents } from '../residents/lookup';

export function registerResidentRoutes(app: FastifyInstance, { db }: ServerDeps): void {
  app.get('/api/v1/residents', async (request) => {
    requirePermission(currentUser(request), 'residents.read');
    const { phone, q } = parseRequest(ResidentQuery, request.query);
    const items = phone !== undefined ? await findResidentsByPhone(db, phone) : await searchResidents(db, q ?? '');
    return { items };
  });

  /** The directory for the consoles' offline cache, in pages after a cursor (see residents/directory.ts). */
  app.get('/api/v1/residents/directory', async (request) => {
    requirePermission(currentUser(request), 'residents.read');
    return readDirectoryPage(db, parseRequest(DirectoryQuery, request.query));
  });
}
