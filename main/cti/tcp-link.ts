/**
 * One TCP connection to a phone system that is kept up: connects, reports its state, reconnects with backoff
 * when the far end closes or restarts, and stops for good on stop() or on halt() (e.g. a refused AMI login: retrying
 * a wrong password forever helps nobody). The protocol on top (netstrings, AMI blocks) is the adapter's.
 */
import net from 'node:net';
import { reconnectDelay, type AdapterState, type LogFn, type ReconnectOptions } from './types';

export interface TcpLinkOptions {
  name: string;
  host: string;
  port: number;
  reconnect?: ReconnectOptions;
  /** Giving up on one connect attempt after this long (ms). Default 5 000. */
  connectTimeoutMs?: number;
  /**
   * True: the socket being open is not enough, the adapter calls markConnected() after its handshake (AMI
   * login); until then the state stays `connecting`.
   */
  handshake?: boolean;
  log: LogFn;
  onOpen(): void;
  onData(chunk: Buffer): void;
  /** The connection is gone (whatever the reason); pending requests should fail now. */
  onClose(reason: string): void;
}

export interface TcpLink {
  start(): void;
  stop(): Promise<void>;
  state(): AdapterState;
  onState(listener: (s: AdapterState, detail?: string) => void): () => void;
  /** Writes to the open connection; false when there is none. */
  write(data: string | Uint8Array): boolean;
  markConnected(detail?: string): void;
  /** Closes this connection (bad stream) and reconnects after the backoff. */
  drop(reason: string): void;
  /** Closes this connection and stays disconnected until start() is called again. */
  halt(reason: string): void;
}

export function createTcpLink(opts: TcpLinkOptions): TcpLink {
  let current: AdapterState = 'disabled';
  let socket: net.Socket | null = null;
  let retry: NodeJS.Timeout | null = null;
  let attempt = 0;
  let running = false;
  const listeners = new Set<(s: AdapterState, detail?: string) => void>();

  const setState = (s: AdapterState, detail?: string) => {
    if (s === current && s !== 'disconnected') return;
    current = s;
    for (const l of [...listeners]) {
      try {
        l(s, detail);
      } catch (err) {
        opts.log(`${opts.name}: a state listener threw: ${String(err)}`);
      }
    }
  };

  const clearRetry = () => {
    if (retry) clearTimeout(retry);
    retry = null;
  };

  /** Ends the current socket; `then` decides what follows (a retry, or nothing). */
  const closeSocket = (reason: string) => {
    const s = socket;
    if (!s) return;
    socket = null;
    s.removeAllListeners();
    s.on('error', () => {}); // a late error on a socket we gave up must not become an uncaught one
    s.destroy();
    opts.onClose(reason);
  };

  const scheduleRetry = (reason: string) => {
    if (!running) return;
    clearRetry();
    const delay = reconnectDelay(attempt++, opts.reconnect);
    setState('disconnected', `${reason}; retrying in ${(delay / 1000).toFixed(1)} s`);
    retry = setTimeout(connect, delay);
    retry.unref?.();
  };

  function connect() {
    retry = null;
    if (!running) return;
    setState('connecting', `${opts.host}:${opts.port}`);
    const s = net.connect({ host: opts.host, port: opts.port });
    socket = s;
    s.setNoDelay(true);
    s.setTimeout(opts.connectTimeoutMs ?? 5_000, () => {
      if (socket !== s) return;
      closeSocket('connect timed out');
      scheduleRetry(`${opts.host}:${opts.port} did not answer`);
    });
    s.once('connect', () => {
      s.setTimeout(0);
      s.setKeepAlive(true, 15_000);
      if (!opts.handshake) {
        attempt = 0;
        setState('connected', `${opts.host}:${opts.port}`);
      }
      opts.onOpen();
    });
    s.on('data', (chunk: Buffer) => {
      if (socket !== s) return;
      try {
        opts.onData(chunk);
      } catch (err) {
        // A bug in a parser must cost this connection, not the desk.
        opts.log(`${opts.name}: dropped the connection after an error reading it: ${String(err)}`);
        link.drop('read error');
      }
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (socket !== s) return;
      closeSocket(err.code ?? err.message);
      scheduleRetry(`${opts.name} at ${opts.host}:${opts.port}: ${err.code ?? err.message}`);
    });
    s.on('close', () => {
      if (socket !== s) return;
      closeSocket('closed by the far end');
      scheduleRetry(`${opts.name} closed the connection`);
    });
  }

  const link: TcpLink = {
    start() {
      if (running) return;
      running = true;
      attempt = 0;
      connect();
    },
    async stop() {
      running = false;
      clearRetry();
      const s = socket;
      closeSocket('stopped');
      if (s && !s.closed) await new Promise<void>((resolve) => s.once('close', () => resolve()));
      setState('disabled');
    },
    state: () => current,
    onState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    write(data) {
      if (!socket || socket.connecting || socket.destroyed) return false;
      socket.write(data);
      return true;
    },
    markConnected(detail) {
      attempt = 0;
      setState('connected', detail);
    },
    drop(reason) {
      opts.log(`${opts.name}: ${reason}; reconnecting`);
      closeSocket(reason);
      scheduleRetry(reason);
    },
    halt(reason) {
      running = false;
      clearRetry();
      closeSocket(reason);
      setState('disconnected', reason);
    },
  };
  return link;
}
