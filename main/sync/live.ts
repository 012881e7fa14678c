/**
 * The desk's live socket to the central server (`/api/v1/live`, DESIGN.md §5 "Live"): a poke makes the engine
 * pull; every (re)connect pulls once, since pokes may have been lost while the socket was down. Reconnects with
 * exponential backoff and full jitter; stops for good on 401 (the session is gone) until started again.
 */
import WebSocket from 'ws';
import { LIVE_CLOSE_UNAUTHORIZED, LIVE_PATH, LiveMessage } from '../../common/live';

export type LiveState = 'stopped' | 'connecting' | 'open' | 'waiting';

export interface LiveOptions {
  /** First reconnect delay bound (ms); doubles per failed attempt. */
  baseDelayMs?: number;
  /** Largest reconnect delay bound (ms). */
  maxDelayMs?: number;
  /** No ping nor message from the server for this long: the connection is dead (the server pings every 25 s). */
  idleTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  /** Source of the jitter, [0, 1). */
  random?: () => number;
  /** Every state change; tests and the benchmark wait for 'open'. */
  onState?: (state: LiveState) => void;
}

export interface LiveDeps {
  serverUrl: string;
  token(): string | null;
  /** The cache's sync client id: the server spares the pushing console a poke for its own change. */
  clientId(): string | null;
  /** The server poked: pull. */
  onPoke(): void;
  /** Connected, first time or again: pull once. */
  onOpen(): void;
  /** The server refused the session (401 on the upgrade, or closed the socket as unauthorized). */
  onUnauthorized(): void;
  /**
   * A connection attempt failed before opening (refused, reset, timed out): the server is likely gone. The engine
   * checks at once, so the console says "offline" within a reconnect delay, not at its next interval pull.
   */
  onUnreachable?(): void;
  /** Any other server message (call events for this agent, CTI). */
  onMessage?(message: LiveMessage): void;
  log?: (message: string, err?: unknown) => void;
}

export interface LiveClient {
  /** Connects (again) with the current token; a no-op without one. */
  start(): void;
  /** Closes the socket and stops reconnecting. */
  stop(): void;
  state(): LiveState;
}

/** Full jitter: uniform in [0, min(cap, base · 2^attempt)). */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random) {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30)));
}

/** `http(s)://host[/prefix]` → `ws(s)://host[/prefix]/api/v1/live?clientId=…` */
export function liveUrl(serverUrl: string, clientId: string | null): string {
  const url = new URL(serverUrl.replace(/\/+$/, '') + LIVE_PATH);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (clientId) url.searchParams.set('clientId', clientId);
  return url.toString();
}

const UNEXPECTED_STATUS = /^Unexpected server response: (\d{3})/;
const CLOSE_GRACE_MS = 1_000;

export function createLiveClient(deps: LiveDeps, options: LiveOptions = {}): LiveClient {
  const baseDelayMs = options.baseDelayMs ?? 500;
  // The console sees its server back within this (the reconnect pulls); attempts are one refused TCP connect each.
  const maxDelayMs = options.maxDelayMs ?? 8_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 75_000;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  const random = options.random ?? Math.random;
  const log = deps.log ?? ((message, err) => console.warn(`[live] ${message}`, err ?? ''));

  let running = false;
  let current: LiveState = 'stopped';
  let socket: WebSocket | null = null;
  let attempt = 0;
  let retry: NodeJS.Timeout | null = null;
  let idle: NodeJS.Timeout | null = null;

  const setState = (next: LiveState) => {
    if (next === current) return;
    current = next;
    options.onState?.(next);
  };

  function clearTimers(): void {
    if (retry) clearTimeout(retry);
    if (idle) clearTimeout(idle);
    retry = null;
    idle = null;
  }

  function armIdle(ws: WebSocket): void {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => ws.terminate(), idleTimeoutMs);
    idle.unref();
  }

  function onText(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const message = LiveMessage.safeParse(parsed);
    if (!message.success) return;
    if (message.data.type === 'poke') deps.onPoke();
    else deps.onMessage?.(message.data);
  }

  function connect(): void {
    retry = null;
    const token = deps.token();
    if (!running || !token) {
      running = false;
      setState('stopped');
      return;
    }
    setState('connecting');
    const ws = new WebSocket(liveUrl(deps.serverUrl, deps.clientId()), {
      headers: { authorization: `Bearer ${token}` },
      handshakeTimeout: handshakeTimeoutMs,
      perMessageDeflate: false,
    });
    socket = ws;
    let refusedStatus: number | null = null;
    let opened = false;

    ws.on('open', () => {
      if (socket !== ws) return;
      opened = true;
      attempt = 0;
      armIdle(ws);
      setState('open');
      deps.onOpen();
    });
    ws.on('ping', () => armIdle(ws));
    ws.on('message', (data, isBinary) => {
      armIdle(ws);
      if (!isBinary) onText(data.toString());
    });
    ws.on('error', (err) => {
      const status = UNEXPECTED_STATUS.exec(err.message)?.[1];
      if (status) refusedStatus = Number(status);
    });
    ws.on('close', (code) => {
      if (socket !== ws) return;
      socket = null;
      if (idle) clearTimeout(idle);
      idle = null;
      if (!running) return;
      if (refusedStatus === 401 || code === LIVE_CLOSE_UNAUTHORIZED) {
        running = false;
        setState('stopped');
        deps.onUnauthorized();
        return;
      }
      if (refusedStatus !== null && refusedStatus >= 400 && refusedStatus < 500 && refusedStatus !== 429) {
        // Forbidden (e.g. a kiosk) or gone: retrying cannot help; the interval poll still syncs.
        log(`live socket refused (${refusedStatus}); not retrying`);
        running = false;
        setState('stopped');
        return;
      }
      setState('waiting');
      if (!opened && refusedStatus === null) deps.onUnreachable?.();
      retry = setTimeout(connect, backoffDelay(attempt++, baseDelayMs, maxDelayMs, random));
      retry.unref();
    });
  }

  function closeSocket(): void {
    const ws = socket;
    socket = null;
    if (!ws) return;
    if (ws.readyState === WebSocket.OPEN) {
      ws.close(1000, 'bye');
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    } else {
      ws.terminate();
    }
  }

  return {
    start() {
      clearTimers();
      closeSocket();
      running = true;
      attempt = 0;
      connect();
    },
    stop() {
      running = false;
      clearTimers();
      closeSocket();
      setState('stopped');
    },
    state: () => current,
  };
}
