/**
 * The browser host's DeskTransport: DeskApi calls as JSON over one WebSocket (common/bridge.ts).
 * The socket reconnects with backoff; calls made while it is down wait for it, then fail with a clear error.
 */
import type { BridgeCall, BridgeReply } from '../../../common/bridge';
import type { DeskTransport, EventName, MethodName } from '../../../common/contract';

export interface WsTransportOptions {
  url: string;
  /** How long a call may wait for the socket to (re)open before it fails. */
  connectTimeoutMs?: number;
  /** How long a sent call may wait for its reply (login with an initial pull can be slow). */
  replyTimeoutMs?: number;
}

/** A failed call, carrying the host's error code (e.g. `invalid_transition`) or a transport code. */
export class DeskCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DeskCallError';
  }
}

interface PendingCall {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface WaitingCall {
  message: BridgeCall;
  pending: PendingCall;
}

export interface WsTransport extends DeskTransport {
  /** Called after the socket re-opens following a drop: events may have been missed meanwhile. */
  onReconnect(listener: () => void): () => void;
}

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 10_000;

export function createWsTransport(options: WsTransportOptions): WsTransport {
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  const replyTimeoutMs = options.replyTimeoutMs ?? 120_000;
  const inFlight = new Map<number, PendingCall>();
  const waiting: WaitingCall[] = [];
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const reconnectListeners = new Set<() => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let backoffMs = BACKOFF_MIN_MS;
  let hasConnectedBefore = false;

  function connect(): void {
    const ws = new WebSocket(options.url);
    socket = ws;
    ws.addEventListener('open', () => {
      backoffMs = BACKOFF_MIN_MS;
      if (hasConnectedBefore) reconnectListeners.forEach((listener) => listener());
      hasConnectedBefore = true;
      flushWaiting(ws);
    });
    ws.addEventListener('message', (message) => handleMessage(message.data));
    // An error is always followed by 'close', which does the reconnecting; nothing to do here.
    ws.addEventListener('error', () => {});
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      socket = null;
      // A call already sent may or may not have run on the host: fail it rather than risk running it twice.
      failInFlight(
        new DeskCallError('connection_lost', 'Lost the connection to the desk host; the result is unknown.'),
      );
      scheduleReconnect();
    });
  }

  function scheduleReconnect(): void {
    const jitter = Math.random() * backoffMs * 0.3;
    setTimeout(connect, backoffMs + jitter);
    backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
  }

  function flushWaiting(ws: WebSocket): void {
    for (const call of waiting.splice(0)) {
      clearTimeout(call.pending.timer);
      send(ws, call.message, call.pending);
    }
  }

  function send(ws: WebSocket, message: BridgeCall, pending: PendingCall): void {
    pending.timer = setTimeout(() => {
      inFlight.delete(message.id);
      pending.reject(new DeskCallError('timeout', `The desk host did not answer ${message.method} in time.`));
    }, replyTimeoutMs);
    inFlight.set(message.id, pending);
    ws.send(JSON.stringify(message));
  }

  function failInFlight(error: Error): void {
    for (const [id, pending] of inFlight) {
      clearTimeout(pending.timer);
      inFlight.delete(id);
      pending.reject(error);
    }
  }

  function handleMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let reply: BridgeReply | null;
    try {
      reply = asBridgeReply(JSON.parse(data));
    } catch {
      return; // not JSON: ignore rather than break the socket
    }
    if (!reply) return;
    if (reply.type === 'event') {
      eventListeners.get(reply.event)?.forEach((listener) => listener(reply.payload));
      return;
    }
    const pending = inFlight.get(reply.id);
    if (!pending) return;
    inFlight.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(new DeskCallError(reply.error.code, reply.error.message));
  }

  function invoke(method: MethodName, input: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const message: BridgeCall = { type: 'call', id: nextId++, method, input };
      const pending: PendingCall = { resolve, reject, timer: undefined as unknown as ReturnType<typeof setTimeout> };
      if (socket?.readyState === WebSocket.OPEN) {
        send(socket, message, pending);
        return;
      }
      const call: WaitingCall = { message, pending };
      pending.timer = setTimeout(() => {
        const index = waiting.indexOf(call);
        if (index >= 0) waiting.splice(index, 1);
        reject(
          new DeskCallError(
            'disconnected',
            `Cannot reach the desk host (${options.url}); ${method} was not sent. Is the desk host still running?`,
          ),
        );
      }, connectTimeoutMs);
      waiting.push(call);
    });
  }

  function subscribe(event: EventName, listener: (payload: unknown) => void): () => void {
    let listeners = eventListeners.get(event);
    if (!listeners) eventListeners.set(event, (listeners = new Set()));
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  function onReconnect(listener: () => void): () => void {
    reconnectListeners.add(listener);
    return () => reconnectListeners.delete(listener);
  }

  connect();
  return { invoke, subscribe, onReconnect };
}

/**
 * Structural check of an incoming frame. Hand-written on purpose: it runs for every frame, and a hostile or
 * garbled frame must simply be dropped, never throw.
 */
function asBridgeReply(value: unknown): BridgeReply | null {
  if (typeof value !== 'object' || value === null) return null;
  const frame = value as Record<string, unknown>;
  if (frame.type === 'event') {
    return typeof frame.event === 'string' ? { type: 'event', event: frame.event, payload: frame.payload } : null;
  }
  if (frame.type !== 'result' || typeof frame.id !== 'number') return null;
  if (frame.ok === true) return { type: 'result', id: frame.id, ok: true, value: frame.value };
  if (frame.ok !== false) return null;
  const error = (frame.error ?? {}) as Record<string, unknown>;
  return {
    type: 'result',
    id: frame.id,
    ok: false,
    error: {
      code: typeof error.code === 'string' ? error.code : 'failed',
      message: typeof error.message === 'string' ? error.message : 'The desk host reported an error.',
    },
  };
}
