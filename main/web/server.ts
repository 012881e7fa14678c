/**
 * The browser host: serves the built renderer over http://127.0.0.1 and carries the DeskApi over one WebSocket.
 * Wiring only; every security decision lives in ./policy and every file decision in ../shell/static-files.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { BRIDGE_PATH, BridgeCall, type BridgeReply } from '../../common/bridge';
import { dispatchSurfaceCall, isEventAllowed, type DeskSurface } from '../../common/surfaces';
import type { DeskHost } from '../host';
import { buildCsp } from '../shell/csp';
import { resolveStaticFile } from '../shell/static-files';
import {
  FORBIDDEN_PAGE,
  TOKEN_USED_PAGE,
  decideHttpRequest,
  decideUpgrade,
  isAllowedMethod,
  parseTarget,
  secretHash,
  securityHeaders,
  sessionCookie,
  type HostState,
} from './policy';

export interface BrowserHostOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Loopback only: the token is the sole credential, so the host is never reachable from the network. */
  host?: '127.0.0.1';
  /** The built renderer (out/renderer) with index.html, kiosk.html and assets/. */
  rendererDir: string;
  desk: DeskHost;
  /** The per-launch token of the printed URL (good for one use); random when omitted. */
  token?: string;
}

export interface BrowserHost {
  /** The URL to open once: its token is traded, on first use, for a separate session secret in a cookie. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A bridge frame bigger than this is not a desk call. */
const MAX_FRAME_BYTES = 1024 * 1024;

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const bindHost = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('base64url');
  let port = 0; // known once listening; every decision below runs after that
  // One launch token, so at most one session: the browser that used the link (its page fixed when it did).
  let session: { hash: string; surface: DeskSurface } | null = null;
  const state: HostState = {
    launch: { token, used: false },
    sessionSurface: (hash) => (session?.hash === hash ? session.surface : undefined),
  };

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      console.error('[browser-host] request failed:', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal error');
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host;
    const decision = decideHttpRequest({ url: req.url ?? '', host, cookie: req.headers.cookie, port, state });
    if (decision.kind === 'forbidden') {
      // Never reflect an untrusted Host into headers: the forbidden page gets the plain policy.
      res.writeHead(403, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': buildCsp(),
        'cache-control': 'no-store',
      });
      res.end(decision.reason === 'token_used' ? TOKEN_USED_PAGE : FORBIDDEN_PAGE);
      return;
    }
    const headers = securityHeaders(host!);
    if (!isAllowedMethod(req.method, decision)) {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Method not allowed');
      return;
    }
    if (decision.kind === 'exchange' || decision.kind === 'redirect') {
      const redirect: Record<string, string> = { ...headers, location: decision.location, 'cache-control': 'no-store' };
      if (decision.kind === 'exchange') {
        // The launch token is spent here, before anything else can run: a second use finds it used.
        const secret = randomBytes(32).toString('base64url');
        state.launch.used = true;
        session = { hash: secretHash(secret), surface: decision.surface };
        redirect['set-cookie'] = sessionCookie(port, secret);
      }
      res.writeHead(302, redirect);
      res.end();
      return;
    }
    const target = parseTarget(req.url ?? '');
    const file = target && resolveStaticFile(options.rendererDir, target.pathname);
    const info = file && (await stat(file.file).catch(() => null));
    if (!file || !info?.isFile()) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found');
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': file.contentType,
      'content-length': info.size,
      // Pages must pick up a rebuild; hashed assets never change under the same name.
      'cache-control': file.isPage ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file.file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const decision = decideUpgrade({
      url: req.url ?? '',
      host: req.headers.host,
      origin: req.headers.origin,
      cookie: req.headers.cookie,
      port,
      state,
      bridgePath: BRIDGE_PATH,
    });
    if (decision.kind === 'reject') {
      const text = decision.status === 404 ? 'Not Found' : 'Forbidden';
      socket.end(`HTTP/1.1 ${decision.status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, decision.surface));
  });

  /** Each connection's page, as its session fixed it: what it may call and hear (common/surfaces). */
  const surfaces = new WeakMap<WebSocket, DeskSurface>();

  function onConnection(ws: WebSocket, surface: DeskSurface): void {
    surfaces.set(ws, surface);
    ws.on('error', (err) => console.error('[browser-host] socket error:', err.message));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void answerFrame(options.desk, surface, data, isBinary).then((reply) => send(ws, reply));
    });
  }

  // One subscription for the host's lifetime; each event is serialised once and fanned out to the connections
  // whose page may hear it.
  const unsubscribe = options.desk.subscribe((event, payload) => {
    const frame = JSON.stringify({ type: 'event', event, payload } satisfies BridgeReply);
    for (const client of wss.clients) {
      const surface = surfaces.get(client);
      if (client.readyState === WebSocket.OPEN && surface && isEventAllowed(surface, event)) client.send(frame);
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, bindHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    unsubscribe();
    throw err;
  }
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${bindHost}:${port}/?token=${token}`,
    port,
    close: () =>
      (closing ??= (async () => {
        unsubscribe();
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}

/** Turns one incoming frame into its reply; malformed frames get an error reply instead of killing the socket. */
async function answerFrame(
  desk: DeskHost,
  surface: DeskSurface,
  data: RawData,
  isBinary: boolean,
): Promise<BridgeReply> {
  let json: unknown;
  try {
    if (isBinary) throw new Error('binary frame');
    json = JSON.parse(rawText(data));
  } catch {
    return badFrame(-1, 'Frame is not a JSON text message');
  }
  const call = BridgeCall.safeParse(json);
  if (!call.success) return badFrame(idOf(json), 'Frame is not a desk call {type:"call", id, method, input}');
  const result = await dispatchSurfaceCall(desk.handlers, surface, call.data.method, call.data.input);
  return result.ok
    ? { type: 'result', id: call.data.id, ok: true, value: result.value }
    : { type: 'result', id: call.data.id, ok: false, error: result.error };
}

function errorReply(id: number, code: string, message: string): BridgeReply {
  return { type: 'result', id, ok: false, error: { code, message } };
}

function badFrame(id: number, message: string): BridgeReply {
  return errorReply(id, 'bad_frame', message);
}

/** Echo the caller's id when it sent a usable one, so its pending call can fail instead of hanging. */
function idOf(json: unknown): number {
  const id = (json as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isInteger(id) ? id : -1;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function send(ws: WebSocket, reply: BridgeReply): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  let frame: string;
  try {
    frame = JSON.stringify(reply);
  } catch (err) {
    // A handler value that cannot be serialised must still answer the call.
    const id = reply.type === 'result' ? reply.id : -1;
    frame = JSON.stringify(errorReply(id, 'failed', `Reply could not be serialised: ${(err as Error).message}`));
  }
  ws.send(frame);
}
