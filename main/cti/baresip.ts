/**
 * The agent's own softphone, baresip, over its ctrl_tcp module (DESIGN.md §6): JSON in netstrings both ways.
 * Events in (CALL_INCOMING, CALL_RINGING/CALL_PROGRESS/CALL_OUTGOING, CALL_ESTABLISHED, CALL_CLOSED, CALL_HOLD,
 * CALL_RESUME, TRANSFER) become call-event envelopes; the console's call keys go out as commands (`accept`,
 * `hangup`, `hold`, `resume`, `dial`) with a token, and each returns once baresip answers that token.
 *
 * What baresip says (checked against baresip 1.0 and its sources):
 *   event:    {"event":true,"type":"CALL_INCOMING","class":"call","accountaor":"sip:agent101@…","direction":
 *              "incoming","peeruri":"sip:13800138000@127.0.0.1:5099","peerdisplayname":"Li Wei","id":"<Call-ID>",
 *              "param":"…"}
 *   response: {"response":true,"ok":true,"data":"…","token":"t1"}
 * The `id` is the SIP Call-ID, so it also correlates this softphone leg with the PBX's report of the call.
 * baresip 1.0 sends no event for a hold of its own (CALL_HOLD/CALL_RESUME, in later versions, mean the peer
 * held us), so a successful `hold`/`resume` command is reported as call.held/call.resumed by the adapter.
 * ctrl_tcp serves one client at a time: a second client connecting takes the connection over.
 */
import type { CallEndCause } from '../../common/calls/envelope';
import { NetstringDecoder, encodeNetstring } from './netstring';
import { createTcpLink } from './tcp-link';
import {
  emitValidated,
  shortId,
  type CallEventSink,
  type CtiAdapter,
  type LogFn,
  type ReconnectOptions,
  type SoftphoneControl,
} from './types';

export interface BaresipAdapterOptions {
  /** ctrl_tcp's address (`ctrl_tcp_listen`); default 127.0.0.1:4444. */
  host?: string;
  port?: number;
  /** The agent's extension: whom incoming calls are offered to and who answers them. */
  extension: string;
  sink: CallEventSink;
  log?: LogFn;
  reconnect?: ReconnectOptions;
  /** How long a command waits for baresip's response (ms). Default 5 000. */
  commandTimeoutMs?: number;
  /** Domain for click-to-dial of plain digits; default the account's domain as baresip reports it. */
  dialDomain?: string;
  now?: () => Date;
}

export type BaresipAdapter = CtiAdapter & SoftphoneControl;

export const BARESIP_SOURCE = 'baresip';

/** What the adapter remembers of a call between its events. */
interface CallMemo {
  /** The facts every envelope of the call repeats (direction, numbers, SIP Call-ID). */
  outbound: boolean;
  peer: string;
  rung: boolean;
  established: boolean;
  held: boolean;
  /** Hold/resume transitions so far: each gets its own deterministic eventId. */
  holdSeq: number;
}

interface Pending {
  command: string;
  resolve: (data: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** A bound on remembered calls: a stream of garbage ids must not grow memory without end. */
const MAX_CALLS = 500;
const MAX_FRAME_BYTES = 256 * 1024;

export function createBaresipAdapter(opts: BaresipAdapterOptions): BaresipAdapter {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? (() => new Date());
  const timeoutMs = opts.commandTimeoutMs ?? 5_000;
  const calls = new Map<string, CallMemo>();
  const pending = new Map<string, Pending>();
  let decoder = new NetstringDecoder({ maxBytes: MAX_FRAME_BYTES });
  let tokenSeq = 0;
  /** The account's domain as the events report it (accountaor), for dialling plain digits. */
  let accountDomain: string | null = null;

  const link = createTcpLink({
    name: 'baresip',
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 4444,
    reconnect: opts.reconnect,
    log,
    onOpen: () => {
      decoder = new NetstringDecoder({ maxBytes: MAX_FRAME_BYTES });
    },
    onData: (chunk) => {
      const { frames, problems } = decoder.push(chunk);
      for (const p of problems) log(`baresip: ${p.detail}`);
      for (const f of frames) onMessage(f.toString('utf8'));
      if (decoder.failed) link.drop('baresip sent an oversized netstring');
    },
    onClose: (reason) => {
      for (const [token, p] of pending) {
        clearTimeout(p.timer);
        pending.delete(token);
        p.reject(new Error(`baresip: "${p.command}" got no answer, the connection closed (${reason})`));
      }
    },
  });

  function onMessage(text: string) {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      log(`baresip: skipped a frame that is not JSON (${text.length} bytes)`);
      return;
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) {
      log('baresip: skipped a frame that is not a JSON object');
      return;
    }
    const m = msg as Record<string, unknown>;
    if (m.response === true) onResponse(m);
    else if (m.event === true || m.event === 'true') onEvent(m);
    else log('baresip: skipped a frame that is neither an event nor a response');
  }

  function onResponse(m: Record<string, unknown>) {
    const token = typeof m.token === 'string' ? m.token : null;
    const p = token ? pending.get(token) : undefined;
    if (!token || !p) return; // someone else's command, or one that timed out already
    pending.delete(token);
    clearTimeout(p.timer);
    const data = typeof m.data === 'string' ? m.data.trim() : '';
    if (m.ok === true) p.resolve(data);
    // baresip 1.0 registers its call commands (callfind, hold…) with the first call: before it, "not found".
    else if (/command not found/i.test(data)) p.reject(new Error(`baresip has no call for "${p.command}"`));
    else p.reject(new Error(`baresip refused "${p.command}": ${data || 'no reason given'}`));
  }

  function onEvent(m: Record<string, unknown>) {
    const type = str(m.type);
    const aor = str(m.accountaor);
    if (aor) accountDomain = sipHost(aor) ?? accountDomain;
    const id = str(m.id);
    if (!type || !id || !CALL_TYPES.has(type)) return; // registration, SDP, RTCP, DTMF…: nothing for the call log
    const memo = remember(id, str(m.direction) === 'outgoing', sipUser(str(m.peeruri) ?? '') ?? '');
    const param = str(m.param) ?? '';

    switch (type) {
      case 'CALL_INCOMING':
        memo.rung = true;
        emit(id, memo, 'call.ringing', {
          callerName: str(m.peerdisplayname) || undefined,
          offeredTo: [opts.extension],
        });
        break;
      case 'CALL_OUTGOING':
      case 'CALL_RINGING':
      case 'CALL_PROGRESS':
        // Click-to-dial: the far end rings. One ringing per call, whichever of these comes first.
        if (memo.outbound && !memo.rung) emit(id, memo, 'call.ringing', {});
        memo.rung = true;
        break;
      case 'CALL_ESTABLISHED':
        memo.established = true;
        emit(id, memo, 'call.answered', { answeredBy: opts.extension });
        break;
      case 'CALL_CLOSED':
        emit(id, memo, 'call.ended', { cause: closeCause(param, memo.established, memo.outbound), ...q850Of(param) });
        calls.delete(id);
        break;
      case 'CALL_HOLD':
      case 'CALL_RESUME':
        holdChanged(id, memo, type === 'CALL_HOLD');
        break;
      case 'TRANSFER': {
        // The peer asked us (REFER) to transfer the call; param is the Refer-To target.
        const target = sipUser(param) ?? param.trim();
        if (target) emit(id, memo, 'call.transferred', { kind: 'blind', target });
        break;
      }
    }
  }

  function remember(id: string, outbound: boolean, peer: string): CallMemo {
    let memo = calls.get(id);
    if (!memo) {
      if (calls.size >= MAX_CALLS) calls.delete(calls.keys().next().value as string);
      memo = { outbound, peer, rung: false, established: false, held: false, holdSeq: 0 };
      calls.set(id, memo);
    }
    if (peer) memo.peer = peer;
    return memo;
  }

  /** Builds, validates and hands on one envelope; the eventId is deterministic, so a replay is a duplicate. */
  function emit(id: string, memo: CallMemo, type: string, extra: Record<string, unknown>, idSuffix = '') {
    const callId = shortId(id);
    emitValidated(
      opts.sink,
      {
        v: 1,
        eventId: `baresip:${callId}:${type}${idSuffix}`,
        type,
        callId,
        ts: now().toISOString(),
        source: BARESIP_SOURCE,
        sipCallId: id.length <= 256 ? id : undefined,
        direction: memo.outbound ? 'outbound' : 'inbound',
        from: memo.outbound ? opts.extension : memo.peer,
        to: memo.outbound ? memo.peer : opts.extension,
        // The agent this softphone speaks for: what correlates its report with the PBX's (common/calls/correlate).
        agent: opts.extension,
        ...extra,
      },
      log,
      'baresip',
    );
  }

  /** A hold or resume, reported once per transition however many times baresip (or our command) says it. */
  function holdChanged(id: string, memo: CallMemo, held: boolean) {
    if (memo.held === held) return;
    memo.held = held;
    memo.holdSeq++;
    emit(id, memo, held ? 'call.held' : 'call.resumed', {}, `:${memo.holdSeq}`);
  }

  function command(name: string, params?: string): Promise<string> {
    if (link.state() !== 'connected') {
      return Promise.reject(new Error(`baresip is not connected (${link.state()}); "${name}" was not sent`));
    }
    const token = `desk-${++tokenSeq}`;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(token);
        reject(new Error(`baresip did not answer "${name}" within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(token, { command: name, resolve, reject, timer });
      const body: Record<string, string> = { command: name, token };
      if (params !== undefined) body.params = params;
      if (!link.write(encodeNetstring(JSON.stringify(body)))) {
        clearTimeout(timer);
        pending.delete(token);
        reject(new Error(`baresip is not connected; "${name}" was not sent`));
      }
    });
  }

  /** Makes `callId` baresip's current call (`callfind`), so that the next command acts on it. */
  async function select(callId: string | undefined) {
    if (callId === undefined) return;
    // eslint-disable-next-line no-control-regex
    if (!callId.trim() || /[\s\u0000-\u001f]/.test(callId)) throw new Error('baresip: not a call id');
    const data = await command('callfind', callId).catch((err: Error) => {
      throw /has no call/.test(err.message) ? new Error(`baresip has no call ${callId}`) : err;
    });
    if (/not found/i.test(data)) throw new Error(`baresip has no call ${callId}`);
  }

  /** The call a command without an id acts on, as far as we can tell: the one established call. */
  function currentCall(): [string, CallMemo] | undefined {
    const live = [...calls].filter(([, m]) => m.established);
    return live.length === 1 ? live[0] : undefined;
  }

  /** hold/resume: sent, then reported (baresip 1.0 has no event for its own hold). */
  async function holdCommand(held: boolean, callId?: string) {
    await select(callId);
    await command(held ? 'hold' : 'resume');
    const target = callId !== undefined ? [...calls].find(([id]) => id === callId) : currentCall();
    if (target) holdChanged(target[0], target[1], held);
  }

  return {
    name: 'baresip',
    state: link.state,
    start: link.start,
    stop: link.stop,
    onState: link.onState,
    async answer(callId) {
      await select(callId);
      await command('accept');
    },
    async hangup(callId) {
      await select(callId);
      await command('hangup');
    },
    hold: (callId) => holdCommand(true, callId),
    resume: (callId) => holdCommand(false, callId),
    async dial(number) {
      await command('dial', dialTarget(number, opts.dialDomain ?? accountDomain));
    },
  };
}

const CALL_TYPES = new Set([
  'CALL_INCOMING',
  'CALL_OUTGOING',
  'CALL_RINGING',
  'CALL_PROGRESS',
  'CALL_ESTABLISHED',
  'CALL_CLOSED',
  'CALL_HOLD',
  'CALL_RESUME',
  'TRANSFER',
]);

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `sip:13800138000@127.0.0.1:5099;transport=udp` → `13800138000`; `<sip:…>` and `tel:` too. */
export function sipUser(uri: string): string | null {
  const m = /^\s*<?(?:sips?|tel):([^@;>?\s]+)/i.exec(uri);
  if (!m?.[1]) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/** `sip:agent101@pbx.example.com:5060` → `pbx.example.com:5060`. */
export function sipHost(uri: string): string | null {
  const m = /^\s*<?sips?:[^@>]+@([^;>?\s]+)/i.exec(uri);
  return m?.[1] ?? null;
}

/** What click-to-dial sends: a sip: URI as given, or digits as `sip:<digits>@<domain>` (bare when no domain). */
export function dialTarget(number: string, domain: string | null): string {
  const raw = number.trim();
  // eslint-disable-next-line no-control-regex
  if (/^sips?:[^\s\u0000-\u001f]+$/i.test(raw) && raw.length <= 256) return raw;
  const digits = raw.replace(/[\s\-().]/g, '');
  if (!/^\+?[0-9*#]{1,32}$/.test(digits)) throw new Error(`baresip: "${number}" is not a number to dial`);
  return domain ? `sip:${digits}@${domain}` : digits;
}

/**
 * Why a call ended, from CALL_CLOSED's text ("Connection reset by peer", "486 Busy Here", "408 Request
 * Timeout"…). Established calls ended normally; before the answer, the status or words say which.
 */
export function closeCause(param: string, established: boolean, outbound: boolean): CallEndCause {
  if (established) return 'normalClearing';
  const code = Number(/^\s*([3-6]\d\d)\b/.exec(param)?.[1] ?? 0);
  if (code) {
    if (code < 400) return 'forwarded';
    if ([486, 600, 603].includes(code)) return 'busy';
    if ([404, 484, 604].includes(code)) return 'notFound';
    if ([408, 480].includes(code)) return 'noAnswer';
    if (code >= 500 && code < 600) return 'congestion';
    return 'cancel';
  }
  const text = param.toLowerCase();
  if (/busy|decline/.test(text)) return 'busy';
  if (/not found/.test(text)) return 'notFound';
  if (/timeout|timed out|no answer/.test(text)) return 'noAnswer';
  if (/congestion|unavailable/.test(text)) return 'congestion';
  // An inbound call the agent hung up before answering was not answered; anything else is the caller giving up.
  if (!outbound && /reset by user/.test(text)) return 'noAnswer';
  return 'cancel';
}

/** A SIP status in the close text as its Q.850 cause (RFC 3398 §7.2.4.1's table), when there is one. */
function q850Of(param: string): { q850?: number } {
  const code = Number(/^\s*([4-6]\d\d)\b/.exec(param)?.[1] ?? 0);
  const map: Record<number, number> = {
    404: 1,
    408: 102,
    480: 18,
    484: 28,
    486: 17,
    500: 41,
    502: 38,
    503: 41,
    504: 102,
    600: 17,
    603: 21,
    604: 1,
  };
  return map[code] !== undefined ? { q850: map[code] } : {};
}
