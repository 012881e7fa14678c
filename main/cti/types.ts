/**
 * What every desk-side CTI adapter (DESIGN.md §6) looks like to the desk that wires it in: it hears a phone
 * system, turns what it hears into call-event envelopes (common/calls/envelope.ts, validated before they leave)
 * and hands them to a sink; the desk forwards them to the outbox and its own call state.
 */
import { createHash } from 'node:crypto';
import { CallEvent } from '../../common/calls/envelope';

export type CallEventSink = (event: CallEvent) => void;

/** `disabled` = not started (or stopped); the status bar shows the other three. */
export type AdapterState = 'disabled' | 'connecting' | 'connected' | 'disconnected';

export interface CtiAdapter {
  readonly name: string;
  state(): AdapterState;
  /** Connects, and keeps reconnecting with backoff until stop(). */
  start(): void;
  stop(): Promise<void>;
  /** Every state change, with a human-readable detail (why it disconnected, when it retries). Returns unsubscribe. */
  onState(listener: (s: AdapterState, detail?: string) => void): () => void;
}

/** The console's call keys, for adapters that drive a phone. Without a callId the phone's current call is meant. */
export interface SoftphoneControl {
  answer(callId?: string): Promise<void>;
  hangup(callId?: string): Promise<void>;
  hold(callId?: string): Promise<void>;
  resume(callId?: string): Promise<void>;
  /** Click-to-dial: digits (`13800138000`, `+86 21 5555 1234`) or a sip: URI. */
  dial(number: string): Promise<void>;
}

export interface ReconnectOptions {
  /** First retry delay (ms); doubles per failed attempt. Default 500. */
  baseMs?: number;
  /** Longest retry delay (ms). Default 15 000. */
  maxMs?: number;
}

export type LogFn = (line: string) => void;

/** Exponential backoff with half jitter: in [d/2, d) for d = min(max, base · 2^attempt), so never a tight loop. */
export function reconnectDelay(attempt: number, opts: ReconnectOptions = {}, random: () => number = Math.random) {
  const base = opts.baseMs ?? 500;
  const max = opts.maxMs ?? 15_000;
  const d = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(d / 2 + (random() * d) / 2);
}

/**
 * Validates an envelope an adapter built and hands it on; an envelope the schema refuses (a phone system's odd
 * value) is logged and dropped, never thrown into the socket's data handler.
 */
export function emitValidated(sink: CallEventSink, candidate: unknown, log: LogFn, who: string): boolean {
  const parsed = CallEvent.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    log(`${who}: dropped an event the envelope schema refuses (${issue?.path.join('.') || '?'}: ${issue?.message})`);
    return false;
  }
  try {
    sink(parsed.data);
  } catch (err) {
    log(`${who}: the event sink threw: ${err instanceof Error ? err.message : String(err)}`);
  }
  return true;
}

/** A reporter's id made safe for the envelope's 128-character ids: kept when short, else shortened by a hash. */
export function shortId(id: string): string {
  if (id.length <= 96) return id;
  return `${id.slice(0, 40)}~${createHash('sha256').update(id).digest('base64url').slice(0, 32)}`;
}
