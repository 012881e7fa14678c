/**
 * The live sockets of one server process: pokes (coalesced per socket), messages for one user (CTI call events),
 * a ping/pong heartbeat that drops dead sockets, and a re-check of each socket's session on every beat so a
 * revoked or expired token stops receiving.
 */
import { LIVE_CLOSE_GOING_AWAY, LIVE_CLOSE_UNAUTHORIZED, POKE, type LiveMessage } from '../../common/live';
import { createCoalescer, type Coalescer } from './coalesce';

/** What the hub needs of a socket; a `ws` WebSocket fits. */
export interface LiveSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/** Who is on the other end: the session's user and token, and the console's sync client id when it gave one. */
export interface LivePeer {
  userId: string;
  token: string;
  clientId: string | null;
}

/** The hub's handle on one socket; the route feeds it the socket's pongs and its close. */
export interface LiveConnection {
  pong(): void;
  remove(): void;
}

export interface LiveHubOptions {
  /** At most one poke per socket per window (ms). */
  pokeWindowMs?: number;
  /** Ping interval; a socket that has not answered the previous ping by the next one is dropped (ms). */
  heartbeatMs?: number;
  /** A socket that lets this much unsent data pile up is too slow to keep (bytes). */
  maxBufferedBytes?: number;
  /** How long a closing socket may take to answer the close frame before it is cut (ms). */
  closeGraceMs?: number;
  /** Whether a session is still valid (unknown, revoked, expired → false); checked on every heartbeat. */
  verify?: (token: string) => Promise<boolean>;
  log?: (message: string, err?: unknown) => void;
}

export interface LiveHub {
  add(socket: LiveSocket, peer: LivePeer): LiveConnection;
  /** The change log grew; `sourceClientId` (the pushing console, which pulls anyway) is not poked. */
  poke(sourceClientId?: string | null): number;
  /** Sends to every socket of the user on this process; returns how many sockets it went to. */
  sendToUser(userId: string, message: LiveMessage): number;
  /** Sends to every socket on this process (the lobby queue's "board changed"); returns how many it went to. */
  broadcast(message: LiveMessage): number;
  /** Closes the sockets opened with this token (logout); returns how many. */
  closeToken(token: string): number;
  size(): number;
  /** One heartbeat now (the timer calls it; tests too). */
  heartbeat(): Promise<void>;
  /** Closes every socket (going away) and stops the timers; later sockets are refused. */
  close(): void;
}

const OPEN = 1;

interface Entry {
  socket: LiveSocket;
  peer: LivePeer;
  alive: boolean;
  poker: Coalescer;
}

export function createLiveHub(options: LiveHubOptions = {}): LiveHub {
  const pokeWindowMs = options.pokeWindowMs ?? 20;
  const heartbeatMs = options.heartbeatMs ?? 25_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const closeGraceMs = options.closeGraceMs ?? 1_000;
  const log = options.log ?? (() => {});
  const entries = new Set<Entry>();
  let closed = false;

  const pokeText = JSON.stringify(POKE);

  function send(entry: Entry, text: string): boolean {
    const { socket } = entry;
    if (socket.readyState !== OPEN) return false;
    if (socket.bufferedAmount > maxBufferedBytes) {
      log('live socket too slow: dropped');
      drop(entry, true);
      return false;
    }
    try {
      socket.send(text);
      return true;
    } catch (err) {
      log('live send failed', err);
      drop(entry, true);
      return false;
    }
  }

  function drop(entry: Entry, hard: boolean, code?: number, reason?: string): void {
    entries.delete(entry);
    entry.poker.cancel();
    try {
      if (hard) {
        entry.socket.terminate();
        return;
      }
      entry.socket.close(code, reason);
      setTimeout(() => entry.socket.terminate(), closeGraceMs).unref();
    } catch (err) {
      log('live close failed', err);
    }
  }

  async function heartbeat(): Promise<void> {
    const current = [...entries];
    for (const entry of current) {
      if (!entry.alive) {
        drop(entry, true);
        continue;
      }
      entry.alive = false;
      try {
        entry.socket.ping();
      } catch {
        drop(entry, true);
      }
    }
    if (!options.verify) return;
    const tokens = new Set(current.filter((e) => entries.has(e)).map((e) => e.peer.token));
    for (const token of tokens) {
      let valid: boolean;
      try {
        valid = await options.verify(token);
      } catch (err) {
        // The database is unreachable: keep the sockets, the next beat checks again.
        log('live session check failed', err);
        continue;
      }
      if (!valid) closeWhere((e) => e.peer.token === token, LIVE_CLOSE_UNAUTHORIZED, 'unauthorized');
    }
  }

  function closeWhere(match: (e: Entry) => boolean, code: number, reason: string): number {
    let n = 0;
    for (const entry of [...entries]) {
      if (!match(entry)) continue;
      drop(entry, false, code, reason);
      n++;
    }
    return n;
  }

  const timer = setInterval(() => void heartbeat(), heartbeatMs);
  timer.unref();

  return {
    add(socket, peer) {
      const entry: Entry = {
        socket,
        peer,
        alive: true,
        poker: createCoalescer(() => void send(entry, pokeText), pokeWindowMs),
      };
      if (closed) {
        drop(entry, false, LIVE_CLOSE_GOING_AWAY, 'server shutting down');
      } else {
        entries.add(entry);
      }
      return {
        pong: () => {
          entry.alive = true;
        },
        remove: () => {
          entries.delete(entry);
          entry.poker.cancel();
        },
      };
    },
    poke(sourceClientId = null) {
      let n = 0;
      for (const entry of entries) {
        if (sourceClientId !== null && entry.peer.clientId === sourceClientId) continue;
        entry.poker.trigger();
        n++;
      }
      return n;
    },
    sendToUser(userId, message) {
      const text = JSON.stringify(message);
      let n = 0;
      for (const entry of [...entries]) {
        if (entry.peer.userId === userId && send(entry, text)) n++;
      }
      return n;
    },
    broadcast(message) {
      const text = JSON.stringify(message);
      let n = 0;
      for (const entry of [...entries]) if (send(entry, text)) n++;
      return n;
    },
    closeToken(token) {
      return closeWhere((e) => e.peer.token === token, LIVE_CLOSE_UNAUTHORIZED, 'logged out');
    },
    size: () => entries.size,
    heartbeat,
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      closeWhere(() => true, LIVE_CLOSE_GOING_AWAY, 'server shutting down');
    },
  };
}
