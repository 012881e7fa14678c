/**
 * Form bodies for the Zammad-compatible endpoint, which PBX scripts post as application/x-www-form-urlencoded
 * (`--data`) or multipart/form-data (`--form`, as in Zammad's docs). Registered in that route's scope only; text
 * fields only. `name[]` fields, and names given more than once, become arrays (`user[]=A&user[]=B`).
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http/errors';

type Fields = Record<string, string | string[]>;

function add(fields: Fields, rawName: string, value: string): void {
  const isList = rawName.endsWith('[]');
  const name = isList ? rawName.slice(0, -2) : rawName;
  // Never let a field name reach the object's prototype.
  if (name === '__proto__' || name === 'constructor' || name === 'prototype') return;
  const current = Object.hasOwn(fields, name) ? fields[name] : undefined;
  if (current === undefined) fields[name] = isList ? [value] : value;
  else fields[name] = [...(Array.isArray(current) ? current : [current]), value];
}

export function parseUrlEncoded(body: string): Fields {
  const fields: Fields = Object.create(null) as Fields;
  for (const [name, value] of new URLSearchParams(body)) add(fields, name, value);
  return fields;
}

const BOUNDARY = /boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i;
const FIELD_NAME = /name="([^"]*)"/i;

/** Text fields of a multipart body; parts with a filename are ignored. */
export function parseMultipart(body: Buffer, contentType: string): Fields {
  const match = BOUNDARY.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new HttpError(400, 'invalid_request', { reason: 'multipart body without a boundary' });
  const fields: Fields = Object.create(null) as Fields;
  const parts = body.toString('utf8').split(`--${boundary}`);
  // parts[0] is the preamble; the last one starts with "--" (the closing delimiter).
  for (const part of parts.slice(1)) {
    if (part.startsWith('--')) break;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) throw new HttpError(400, 'invalid_request', { reason: 'malformed multipart part' });
    const headers = part.slice(0, headerEnd);
    const disposition = headers.split('\r\n').find((h) => /^content-disposition:/i.test(h.trim()));
    const name = disposition ? FIELD_NAME.exec(disposition)?.[1] : undefined;
    if (name === undefined || /filename=/i.test(disposition ?? '')) continue;
    add(fields, name, part.slice(headerEnd + 4).replace(/\r\n$/, ''));
  }
  return fields;
}

/** Registers both parsers on `scope` (Fastify content-type parsers are scoped to their plugin). */
export function registerFormParsers(scope: FastifyInstance): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseUrlEncoded(body as string));
  });
  scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (req, body, done) => {
    try {
      done(null, parseMultipart(body as Buffer, req.headers['content-type'] ?? ''));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
