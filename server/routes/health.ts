import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../http/context';
import { VERSION } from '../version';

export function registerHealthRoutes(app: FastifyInstance, { db }: ServerDeps): void {
  app.get('/healthz', { config: { public: true } }, async () => ({ ok: true, db: db.kind, version: VERSION }));
}
