/**
 * Every REST route the server registered (./harness reads them from Fastify): path parameters, query strings and
 * bodies from ./arbitraries, as each role, as nobody and with a forged token, in JSON and in other content types.
 * Properties: never a 5xx; after a 4xx the data is as it was.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import { badString, encodeUtf16, inputFor, queryString } from './arbitraries';
import { CTI_TOKEN, USERNAMES, countCase, routeKey, type FuzzServer, type Route, type Username } from './harness';
import { ROUTE_QUERIES, routeBodies } from './samples';

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/octet-stream',
] as const;

type Who = Username | 'nobody' | 'forged';

interface RestCase {
  who: Who;
  params: Record<string, string>;
  query: string;
  body: unknown;
  contentType: (typeof CONTENT_TYPES)[number];
  raw: boolean;
}

/** A value for a path parameter: one that exists or is well-formed, or a bad string. */
function paramValue(route: Route, name: string, server: FuzzServer): fc.Arbitrary<string> {
  const id = route.url.startsWith('/api/v1/residents/') ? server.refs.residentId : server.ticketId;
  const valid = name === 'token' ? CTI_TOKEN : name === 'id' ? id : 'x';
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(encodeURIComponent(valid)) },
    { weight: 1, arbitrary: fc.uuid().map(encodeURIComponent) },
    { weight: 3, arbitrary: badString.map(encodeUtf16) },
  );
}

function caseFor(route: Route, server: FuzzServer): fc.Arbitrary<RestCase> {
  const key = routeKey(route);
  const bodies = routeBodies(server.refs);
  const names = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const query = ROUTE_QUERIES[`GET ${route.url}`] ?? { keys: ['limit', 'cursor', 'q'], valid: {} };
  return fc.record({
    who: fc.constantFrom<Who>(...USERNAMES, ...USERNAMES, 'nobody', 'forged'),
    params: fc.record(Object.fromEntries(names.map((n) => [n, paramValue(route, n, server)]))),
    query: fc.oneof(fc.constant(''), queryString(query.keys, query.valid)),
    body: inputFor(bodies[key]),
    contentType: fc.constantFrom(...CONTENT_TYPES),
    raw: fc.boolean(),
  });
}

function urlOf(route: Route, c: RestCase): string {
  const path = route.url.replace(/:(\w+)/g, (_, name: string) => c.params[name] ?? '');
  return c.query ? `${path}?${c.query}` : path;
}

/** The body as bytes: JSON, or (for other content types) that JSON text or the form encoding of its fields. */
function payloadOf(c: RestCase): string | undefined {
  if (c.body === undefined) return undefined;
  const json = JSON.stringify(c.body) ?? 'null';
  if (!c.raw || c.contentType.startsWith('application/json')) return json;
  if (c.contentType === 'application/x-www-form-urlencoded' && c.body && typeof c.body === 'object') {
    return Object.entries(c.body)
      .map(([k, v]) => `${encodeUtf16(k)}=${encodeUtf16(typeof v === 'string' ? v : JSON.stringify(v))}`)
      .join('&');
  }
  return json;
}

function headersOf(c: RestCase, server: FuzzServer, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (c.who === 'forged') headers.authorization = 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  else if (c.who !== 'nobody') headers.authorization = `Bearer ${server.token(c.who)}`;
  if (hasBody) headers['content-type'] = c.contentType;
  return headers;
}

/** Runs `runs` cases against one route. */
export async function fuzzRoute(server: FuzzServer, route: Route, runs: number, seed: number): Promise<void> {
  const target = `REST ${routeKey(route)}`;
  const withBody = route.method !== 'GET' && route.method !== 'HEAD';
  await fc.assert(
    fc.asyncProperty(caseFor(route, server), async (c) => {
      countCase(target);
      const payload = withBody ? payloadOf(c) : undefined;
      const before = await server.fingerprint.current();
      const res = await server.app.inject({
        method: route.method as 'GET',
        url: urlOf(route, c),
        headers: headersOf(c, server, payload !== undefined),
        ...(payload === undefined ? {} : { payload }),
      });
      expect(res.statusCode, `${target}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
      if (res.statusCode >= 400) {
        expect(await server.fingerprint.current(), `${target} ${res.statusCode} wrote`).toBe(before);
      } else if (route.url === '/api/v1/auth/logout' && c.who !== 'nobody' && c.who !== 'forged') {
        await server.relogin(c.who); // a fuzzed logout ended that session: the next cases need one
      }
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
}

/**
 * The live socket (GET /api/v1/live as a WebSocket): opened with any query and token, sent frames a console never
 * sends (text, binary, oversized). Properties: a refusal is a 4xx, never a 5xx; the server stays up and keeps
 * answering (a pull goes through after each case).
 */
export async function fuzzLiveSocket(server: FuzzServer, runs: number, seed: number): Promise<void> {
  const arb = fc.record({
    who: fc.constantFrom<Who>('agent01', 'lead01', 'kiosk01', 'pbx', 'nobody', 'forged'),
    query: queryString(['clientId'], {}),
    frames: fc.array(
      fc.oneof(
        badString.map((s) => ({ data: s as string | Buffer, binary: false })),
        fc.uint8Array({ maxLength: 64 }).map((b) => ({ data: Buffer.from(b) as string | Buffer, binary: true })),
        fc.constant({ data: Buffer.alloc(8192) as string | Buffer, binary: true }),
      ),
      { maxLength: 3 },
    ),
  });
  await fc.assert(
    fc.asyncProperty(arb, async (c) => {
      countCase('live WebSocket /api/v1/live');
      const url = `${server.baseUrl.replace('http', 'ws')}/api/v1/live${c.query ? `?${c.query}` : ''}`;
      const headers: Record<string, string> = {};
      if (c.who === 'forged') headers.authorization = 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      else if (c.who !== 'nobody') headers.authorization = `Bearer ${server.token(c.who)}`;
      const ws = new WebSocket(url, { headers });
      const opened = await new Promise<number | 'open'>((resolve) => {
        ws.once('open', () => resolve('open'));
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => resolve(0));
      });
      if (opened === 'open') {
        for (const f of c.frames) ws.send(f.data, { binary: f.binary });
        await new Promise((r) => setTimeout(r, 2));
      } else {
        expect(opened, 'refused upgrade').toBeGreaterThanOrEqual(400);
        expect(opened).toBeLessThan(500);
      }
      ws.terminate();
      const health = await server.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
}
