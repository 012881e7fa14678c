/**
 * The desk's local hook (DESIGN.md §6): an HTTP listener on 127.0.0.1 for softphones and scripts on this PC.
 *
 *   POST /cti/events               the native envelope or a batch (common/calls/envelope.ts), JSON
 *   GET  /cti/ring?callId=…&from=…&to=…&user=…&callerName=…&queue=…&direction=in|out
 *   GET  /cti/answer?callId=…&user=…
 *   GET  /cti/hangup?callId=…&cause=normalClearing|busy|cancel|noAnswer|…
 *
 * Every request carries the profile's secret: `Authorization: Bearer <secret>` or `?token=<secret>` (the GET
 * forms exist for softphones that can only call a URL). Replies `{"ok":true,"events":n}`, or a 4xx
 * `{"error","reason"}`: 400 malformed, 401 bad token, 403 foreign Host/Origin (DNS rebinding, other sites),
 * 404 unknown path, 405 wrong method, 413 body over the limit, 415 not JSON. The GET forms' eventIds are
 * `hook:<callId>:<type>`, so a softphone that retries a URL sends a duplicate, not a second event.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { CallEndCause, CallEvent, CallEventBatch } from '../../common/calls/envelope';
import { emitValidated, shortId, type AdapterState, type CallEventSink, type CtiAdapter, type LogFn } from './types';

export const DEFAULT_HOOK_PORT = 17788;
export const DEFAULT_HOOK_BODY_LIMIT = 64 * 1024;
export const HOOK_SOURCE = 'hook';

export interface LocalHookOptions {
  /** Default 17788; 0 = any free port (tests). */
  port?: number;
  /** Only loopback makes sense; default 127.0.0.1. */
  host?: string;
  /** The profile's secret; requests without it get 401. */
  secret: string;
  sink: CallEventSink;
  log?: LogFn;
  /** Largest accepted body (bytes). Default 64 KiB. */
  maxBodyBytes?: number;
  now?: () => Date;
}

export interface LocalHook extends CtiAdapter {
  /**
   * Listens; rejects (and the state turns `disconnected` with the reason) when the port is taken. Callers
   * that treat it as CtiAdapter.start() must still catch the promise.
   */
  start(): Promise<{ port: number }>;
  /** `http://127.0.0.1:<port>/cti` while listening, else null. */
  url(): string | null;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const GET_PATHS = new Set(['/cti/ring', '/cti/answer', '/cti/hangup']);

export function createLocalHook(opts: LocalHookOptions): LocalHook {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? (() => new Date());
  const host = opts.host ?? '127.0.0.1';
  const limit = opts.maxBodyBytes ?? DEFAULT_HOOK_BODY_LIMIT;
  const secretDigest = digest(opts.secret);
  const listeners = new Set<(s: AdapterState, detail?: string) => void>();
  let current: AdapterState = 'disabled';
  let server: http.Server | null = null;
  let port: number | null = null;

  const setState = (s: AdapterState, detail?: string) => {
    current = s;
    for (const l of [...listeners]) l(s, detail);
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    checkHost(req.headers.host, req.headers.origin);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const isPost = url.pathname === '/cti/events';
    if (!isPost && !GET_PATHS.has(url.pathname)) throw new HttpError(404, 'not_found', `no such path ${url.pathname}`);
    const method = isPost ? 'POST' : 'GET';
    if (req.method !== method) {
      res.setHeader('allow', method);
      throw new HttpError(405, 'method_not_allowed', `${url.pathname} takes ${method}`);
    }
    checkSecret(req.headers.authorization, url.searchParams.get('token'));

    const events = isPost ? parseBatch(await readBody(req)) : [fromQuery(url)];
    let accepted = 0;
    for (const e of events) if (emitValidated(opts.sink, e, log, 'local hook')) accepted++;
    reply(res, 200, { ok: true, events: accepted });
  }

  function checkHost(hostHeader: string | undefined, origin: string | undefined) {
    // A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own Host.
    const name = hostHeader?.replace(/:\d+$/, '').toLowerCase();
    if (!name || !LOCAL_HOSTS.has(name)) {
      throw new HttpError(403, 'forbidden', 'the Host header must be 127.0.0.1 or localhost');
    }
    if (origin !== undefined && origin !== 'null') {
      let originHost: string | null = null;
      try {
        originHost = new URL(origin).hostname;
      } catch {
        /* not a URL: refused below */
      }
      if (!originHost || !LOCAL_HOSTS.has(originHost.includes(':') ? `[${originHost}]` : originHost)) {
        throw new HttpError(403, 'forbidden', 'requests from web pages of other sites are refused');
      }
    }
  }

  function checkSecret(authorization: string | undefined, token: string | null) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    const given = bearer ?? token;
    // Compare digests: equal length always, so timingSafeEqual never throws and the length does not leak.
    if (given == null || !timingSafeEqual(digest(given), secretDigest) || opts.secret === '') {
      throw new HttpError(401, 'unauthorized', 'missing or wrong token');
    }
  }

  function readBody(req: http.IncomingMessage): Promise<string> {
    const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json' && type !== 'text/plain') {
      req.resume();
      throw new HttpError(415, 'unsupported_media_type', 'the body must be JSON (application/json)');
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) throw new HttpError(413, 'too_large', `the body is over ${limit} bytes`);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          req.removeAllListeners('data');
          req.pause();
          reject(new HttpError(413, 'too_large', `the body is over ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  function parseBatch(body: string): CallEvent[] {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new HttpError(400, 'malformed', 'the body is not JSON');
    }
    const parsed = CallEventBatch.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      throw new HttpError(400, 'malformed', `not a call event or batch (${where}${issue?.message ?? 'invalid'})`);
    }
    return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  }

  /** The URL forms as envelopes (source `hook`). */
  function fromQuery(url: URL): Record<string, unknown> {
    const q = (k: string) => {
      const v = url.searchParams.get(k)?.trim();
      return v ? v : undefined;
    };
    const callId = q('callId') ?? q('call_id');
    if (!callId) throw new HttpError(400, 'malformed', 'callId is required');
    const kind = url.pathname.slice('/cti/'.length);
    const type = { ring: 'call.ringing', answer: 'call.answered', hangup: 'call.ended' }[kind] as string;
    const dir = q('direction');
    const direction =
      dir === undefined || dir === 'in' || dir === 'inbound'
        ? 'inbound'
        : dir === 'out' || dir === 'outbound'
          ? 'outbound'
          : null;
    if (!direction) throw new HttpError(400, 'malformed', 'direction must be in or out');
    const user = q('user');
    const e: Record<string, unknown> = {
      v: 1,
      type,
      eventId: q('eventId') ?? `${HOOK_SOURCE}:${shortId(callId)}:${type}`,
      callId,
      ts: now().toISOString(),
      source: HOOK_SOURCE,
      sipCallId: q('sipCallId'),
      direction: dir === undefined && kind !== 'ring' ? undefined : direction,
      from: q('from'),
      to: q('to'),
    };
    if (kind === 'ring') {
      Object.assign(e, { from: q('from') ?? '', callerName: q('callerName'), queue: q('queue') });
      if (user) e.offeredTo = [user];
    } else if (kind === 'answer') {
      e.answeredBy = user ?? q('answeringNumber');
    } else {
      const cause = q('cause') ?? 'normalClearing';
      if (!CallEndCause.safeParse(cause).success) {
        throw new HttpError(400, 'malformed', `cause must be one of ${CallEndCause.options.join(', ')}`);
      }
      e.cause = cause;
    }
    // Reply 400 now rather than a silent drop: a URL's caller can only learn from the status.
    const check = CallEvent.safeParse(stripUndefined(e));
    if (!check.success) {
      const issue = check.error.issues[0];
      throw new HttpError(400, 'malformed', `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}`);
    }
    return stripUndefined(e);
  }

  const hook: LocalHook = {
    name: 'hook',
    state: () => current,
    onState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      if (server && port !== null) return { port };
      const s = http.createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
          if (err instanceof HttpError) {
            if (err.status >= 413) res.setHeader('connection', 'close');
            reply(res, err.status, { error: err.error, reason: err.reason });
            return;
          }
          log(`local hook: ${err instanceof Error ? err.message : String(err)}`);
          reply(res, 500, { error: 'internal', reason: 'the desk could not take this request' });
        });
      });
      // Slow or stuck clients must not hold the listener.
      s.requestTimeout = 10_000;
      s.headersTimeout = 5_000;
      s.maxHeadersCount = 50;
      s.on('clientError', (_err, socket) => {
        if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
        else socket.destroy();
      });
      server = s;
      try {
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen(opts.port ?? DEFAULT_HOOK_PORT, host, () => {
            s.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        server = null;
        const code = (err as NodeJS.ErrnoException).code;
        const reason =
          code === 'EADDRINUSE'
            ? `port ${opts.port ?? DEFAULT_HOOK_PORT} is in use by another program`
            : `cannot listen on ${host}:${opts.port ?? DEFAULT_HOOK_PORT} (${code ?? String(err)})`;
        setState('disconnected', reason);
        throw new Error(`local hook: ${reason}`, { cause: err });
      }
      s.on('error', (err) => log(`local hook: ${err.message}`));
      port = (s.address() as { port: number }).port;
      setState('connected', hook.url() ?? undefined);
      return { port };
    },
    async stop() {
      const s = server;
      server = null;
      port = null;
      if (s) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      if (current !== 'disabled') setState('disabled');
    },
    url: () => (port === null ? null : `http://${host.includes(':') ? `[${host}]` : host}:${port}/cti`),
  };
  return hook;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function reply(res: http.ServerResponse, status: number, body: unknown) {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
