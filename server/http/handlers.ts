/** Every error leaves as `{error, details?}` JSON with a fitting status; unknown routes are 404. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { HttpError } from './errors';

const CLIENT_ERRORS: Record<number, string> = {
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found' }));
  app.setErrorHandler((err: FastifyError | HttpError | ZodError, request, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).send(err.body);
    if (err instanceof ZodError) return reply.code(400).send({ error: 'invalid_request', details: err.issues });
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, empty body, too large, rate limited).
      return reply.code(status).send({ error: CLIENT_ERRORS[status] ?? 'invalid_request', details: err.message });
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal' });
  });
}
