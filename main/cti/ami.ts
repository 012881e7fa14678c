/**
 * Asterisk Manager Interface adapter (DESIGN.md §6): logs in over TCP, follows the channel events of every call
 * and turns them into call-event envelopes, one call per Linkedid (callId = Linkedid, legId = a channel's
 * Uniqueid; the caller's channel is the one whose Uniqueid is the Linkedid).
 *
 *   Newchannel (the caller's)     inbound: call.ringing (from = CallerIDNum, to = Exten), source `ami`
 *   DialBegin to an agent         call.ringing of that agent's leg (offeredTo [agent]), source `ami-agent`
 *   DialEnd ANSWER / BridgeEnter  call.answered by that agent's leg
 *   Hangup                        call.ended of that channel's leg, cause from Q.850 (or DialStatus for a leg)
 *   Hold / Unhold                 call.held / call.resumed
 *   BlindTransfer / AttendedTransfer (Success)   call.transferred; the attended target's leg joins the call
 *
 * Why agents' legs report as `ami-agent`: common/calls/machine.ts lets the primary reporter's legs (same source
 * and callId) end the call, and every AMI channel carries the same Linkedid. With a source of their own, the
 * three phones a queue rings are legs that end on their own, and only the caller's channel, or an answering
 * agent's, ends the call: a queue call answered by one agent is one answered call, not three missed ones.
 * Agent-originated calls are outbound when the first dial goes to a non-agent (a trunk) and internal when it
 * goes to another agent; internal calls (a consultation before an attended transfer) are not reported.
 *
 * Field names follow Asterisk's AMI event documentation (12+: DialBegin, DialEnd, BridgeEnter; the Dest…,
 * Transferer…, OrigTransferer…, SecondTransferer… and TransferTarget… headers).
 */
import type { CallEndCause } from '../../common/calls/envelope';
import { AmiParser, encodeAmiAction, type AmiBlock } from './ami-parser';
import { createTcpLink } from './tcp-link';
import {
  emitValidated,
  shortId,
  type CallEventSink,
  type CtiAdapter,
  type LogFn,
  type ReconnectOptions,
} from './types';

export const AMI_SOURCE = 'ami';
export const AMI_AGENT_SOURCE = 'ami-agent';

export interface AmiAdapterOptions {
  host?: string;
  /** Default 5038. */
  port?: number;
  username: string;
  secret: string;
  sink: CallEventSink;
  /**
   * The agent (extension) a channel belongs to, or null for trunks and the like. Default: the endpoint of a
   * PJSIP/SIP/IAX2/DAHDI channel when it is 2–6 digits ("PJSIP/101-0000002a" → "101").
   */
  agentChannel?: (channel: string) => string | null;
  /** Click-to-dial through Originate: ring this channel (the agent's phone) first, then dial in `context`. */
  originate?: { channel: string; context: string; callerId?: string };
  log?: LogFn;
  reconnect?: ReconnectOptions;
  /** How long an action waits for its response (ms). Default 5 000. */
  actionTimeoutMs?: number;
  now?: () => Date;
}

export interface AmiAdapter extends CtiAdapter {
  /** Hangs up a call (its caller's channel); without a callId, the one call in progress. */
  hangup(callId?: string): Promise<void>;
  /** Originate: rings `originate.channel`, then dials the number (needs the `originate` option). */
  dial(number: string): Promise<void>;
}

/** A channel as the adapter follows it. */
interface Chan {
  uid: string;
  name: string;
  callId: string;
  agent: string | null;
  /** A leg the adapter reports as an agent's (offered by a DialBegin, or the target of a transfer). */
  leg: boolean;
  answered: boolean;
  /** Its agent transferred the call away: its hangup is not the call's end. */
  transferredAway: boolean;
  dialStatus: string | null;
  held: boolean;
  holdSeq: number;
}

interface Track {
  callId: string;
  callerUid: string;
  /** null while an agent-originated call has not dialled yet. */
  kind: 'inbound' | 'outbound' | 'internal' | null;
  from: string;
  to: string;
  callerName?: string;
  answered: boolean;
  transferSeq: number;
  /** The agent whose phone placed an outbound call. */
  agent: string | null;
}

interface Pending {
  resolve: (b: AmiBlock) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  action: string;
}

const MAX_CHANNELS = 5000;
const MAX_CALLS = 2000;

export function defaultAgentChannel(channel: string): string | null {
  return /^(?:PJSIP|SIP|IAX2|DAHDI)\/(\d{2,6})-[0-9a-f]+$/i.exec(channel)?.[1] ?? null;
}

export function createAmiAdapter(opts: AmiAdapterOptions): AmiAdapter {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? (() => new Date());
  const agentOf = (channel: string | undefined) => {
    if (!channel) return null;
    try {
      return (opts.agentChannel ?? defaultAgentChannel)(channel);
    } catch {
      return null;
    }
  };
  const timeoutMs = opts.actionTimeoutMs ?? 5_000;
  const chans = new Map<string, Chan>();
  const calls = new Map<string, Track>();
  const pending = new Map<string, Pending>();
  let parser = new AmiParser();
  let actionSeq = 0;
  let loggedIn = false;

  const link = createTcpLink({
    name: 'AMI',
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 5038,
    reconnect: opts.reconnect,
    handshake: true,
    log,
    onOpen: () => {
      parser = new AmiParser();
      loggedIn = false;
      login();
    },
    onData: (chunk) => {
      const r = parser.push(chunk);
      for (const p of r.problems) log(`AMI: ${p}`);
      for (const b of r.blocks) onBlock(b);
      if (r.fatal) link.drop('AMI sent a line without end');
    },
    onClose: (reason) => {
      loggedIn = false;
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        pending.delete(id);
        p.reject(new Error(`AMI: ${p.action} got no response, the connection closed (${reason})`));
      }
    },
  });

  function login() {
    // Events: call — the channel and bridge events; nothing else is needed.
    send({ Action: 'Login', Username: opts.username, Secret: opts.secret, Events: 'call' }, true)
      .then(() => {
        loggedIn = true;
        link.markConnected(`logged in as ${opts.username}`);
      })
      .catch((err: Error) => {
        if (/response/i.test(err.message) && !/timed out|closed/.test(err.message)) {
          link.halt(`AMI login refused: ${err.message.replace(/^AMI Login: /, '')}`);
        } else {
          link.drop(`AMI login failed: ${err.message}`);
        }
      });
  }

  function send(fields: Record<string, string>, beforeLogin = false): Promise<AmiBlock> {
    if (!beforeLogin && !loggedIn) {
      return Promise.reject(new Error(`AMI is not connected (${link.state()}); ${fields.Action} was not sent`));
    }
    const id = `desk-${++actionSeq}`;
    let wire: string;
    try {
      wire = encodeAmiAction({ ...fields, ActionID: id });
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`AMI ${fields.Action}: no response within ${timeoutMs} ms (timed out)`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer, action: fields.Action ?? '?' });
      if (!link.write(wire)) {
        clearTimeout(timer);
        pending.delete(id);
        reject(new Error(`AMI is not connected; ${fields.Action} was not sent (closed)`));
      }
    });
  }

  function onBlock(b: AmiBlock) {
    if (b.response !== undefined) {
      const p = b.actionid ? pending.get(b.actionid) : undefined;
      if (!p) return;
      pending.delete(b.actionid as string);
      clearTimeout(p.timer);
      if (/^(success|goodbye)$/i.test(b.response)) p.resolve(b);
      else p.reject(new Error(`AMI ${p.action}: ${b.message || b.response} (response ${b.response})`));
      return;
    }
    if (b.event === undefined || !loggedIn) return;
    try {
      onEvent(b);
    } catch (err) {
      log(`AMI: skipped a ${b.event} event that could not be read: ${err instanceof Error ? err.message : err}`);
    }
  }

  // ----- calls -----

  const tsOf = (b: AmiBlock) => {
    // With timestampevents=yes in manager.conf every event carries the PBX's own time.
    const t = Number(b.timestamp);
    return Number.isFinite(t) && t > 1e9 ? new Date(t * 1000).toISOString() : now().toISOString();
  };
  const known = (v: string | undefined) => (v && v !== '<unknown>' && v !== '<none>' ? v : undefined);

  function emit(
    track: Track,
    chan: Chan | null,
    type: string,
    b: AmiBlock,
    extra: Record<string, unknown>,
    suffix = '',
  ) {
    const uid = chan?.uid ?? track.callerUid;
    const agentLeg = chan !== null && chan.leg;
    emitValidated(
      opts.sink,
      {
        v: 1,
        eventId: `ami:${shortId(uid)}:${type}${suffix}`,
        type,
        callId: shortId(track.callId),
        legId: shortId(uid),
        ts: tsOf(b),
        source: agentLeg ? AMI_AGENT_SOURCE : AMI_SOURCE,
        direction: track.kind === 'outbound' ? 'outbound' : 'inbound',
        from: track.from,
        to: track.to || undefined,
        ...(agentLeg && chan.agent ? { agent: chan.agent } : {}),
        ...extra,
      },
      log,
      'AMI',
    );
  }

  function remember<K, V>(map: Map<K, V>, key: K, value: V, cap: number) {
    if (!map.has(key) && map.size >= cap) map.delete(map.keys().next().value as K);
    map.set(key, value);
  }

  /** The channel an event is about (prefix '' or 'dest'), learnt on first sight. */
  function chanOf(b: AmiBlock, prefix = ''): Chan | null {
    const uid = b[`${prefix}uniqueid`];
    const name = b[`${prefix}channel`];
    if (!uid) return null;
    let c = chans.get(uid);
    if (!c) {
      const linked = b[`${prefix}linkedid`] || uid;
      c = {
        uid,
        name: name ?? '',
        callId: linked,
        agent: agentOf(name),
        leg: false,
        answered: false,
        transferredAway: false,
        dialStatus: null,
        held: false,
        holdSeq: 0,
      };
      remember(chans, uid, c, MAX_CHANNELS);
    }
    return c;
  }

  /** Inbound and outbound calls are reported; internal ones (and calls not followed from their start) are not. */
  const reported = (t: Track | undefined): t is Track & { kind: 'inbound' | 'outbound' } =>
    t !== undefined && (t.kind === 'inbound' || t.kind === 'outbound');

  function onEvent(b: AmiBlock) {
    switch (b.event?.toLowerCase()) {
      case 'newchannel':
        return newChannel(b);
      case 'dialbegin':
        return dialBegin(b);
      case 'dialend':
        return dialEnd(b);
      case 'bridgeenter':
      case 'newstate':
        return maybeAnswered(b);
      case 'hangup':
        return hangup(b);
      case 'hold':
      case 'unhold':
        return hold(b, b.event.toLowerCase() === 'hold');
      case 'blindtransfer':
        return blindTransfer(b);
      case 'attendedtransfer':
        return attendedTransfer(b);
    }
  }

  function newChannel(b: AmiBlock) {
    const c = chanOf(b);
    if (!c || c.uid !== c.callId || calls.has(c.callId)) return; // only the channel that starts a call
    if (c.name.startsWith('Local/')) return; // Local pairs are plumbing; their real channels are followed
    const track: Track = {
      callId: c.callId,
      callerUid: c.uid,
      kind: c.agent ? null : 'inbound',
      from: c.agent ?? known(b.calleridnum) ?? '',
      to: known(b.exten) && b.exten !== 's' ? (b.exten as string) : '',
      callerName: known(b.calleridname),
      answered: false,
      transferSeq: 0,
      agent: c.agent,
    };
    remember(calls, c.callId, track, MAX_CALLS);
    if (track.kind === 'inbound') {
      emit(track, c, 'call.ringing', b, { callerName: track.callerName });
    }
  }

  function dialBegin(b: AmiBlock) {
    const caller = chanOf(b);
    const dest = chanOf(b, 'dest');
    if (!caller || !dest) return;
    const track = calls.get(caller.callId);
    if (!track) return;
    dest.callId = track.callId; // a channel dialled from a call belongs to it, whatever its own Linkedid says
    if (track.kind === null) {
      // An agent's phone dials: out to the world, or to a colleague (internal, not reported).
      track.kind = dest.agent ? 'internal' : 'outbound';
      if (track.kind === 'outbound') {
        track.to = known(b.destcalleridnum) ?? known(b.destexten) ?? track.to ?? '';
        emit(track, null, 'call.ringing', b, {});
      }
    }
    if (track.kind === 'inbound' && dest.agent) {
      dest.leg = true;
      emit(track, dest, 'call.ringing', b, { offeredTo: [dest.agent], callerName: track.callerName });
    }
  }

  function dialEnd(b: AmiBlock) {
    const dest = chanOf(b, 'dest');
    if (!dest) return;
    dest.dialStatus = (b.dialstatus ?? '').toUpperCase() || null;
    if (dest.dialStatus !== 'ANSWER') return;
    const track = calls.get(dest.callId);
    if (!track) return;
    if (track.kind === 'outbound' && !dest.agent && !track.answered) {
      track.answered = true;
      emit(track, null, 'call.answered', b, { answeredBy: track.agent ?? undefined });
    } else {
      answered(track, dest, b);
    }
  }

  /** BridgeEnter, or Newstate Up: an offered agent's channel is talking (covers PBXs that skip DialEnd). */
  function maybeAnswered(b: AmiBlock) {
    const c = chanOf(b);
    if (!c?.leg) return;
    if (b.event?.toLowerCase() === 'newstate' && b.channelstate !== '6') return;
    const track = calls.get(c.callId);
    if (track) answered(track, c, b);
  }

  function answered(track: Track, c: Chan, b: AmiBlock) {
    if (c.answered) return;
    c.answered = true;
    if (track.kind === 'internal') return;
    track.answered = true;
    if (reported(track) && c.leg) emit(track, c, 'call.answered', b, { answeredBy: c.agent ?? undefined });
  }

  function hangup(b: AmiBlock) {
    const c = chanOf(b);
    if (!c) return;
    chans.delete(c.uid);
    const track = calls.get(c.callId);
    if (!track) return;
    if (!reported(track)) return forgetIfOver(track);
    const q850 = Number(b.cause);
    const code = Number.isInteger(q850) && q850 >= 0 && q850 <= 127 ? q850 : undefined;
    if (c.uid === track.callerUid) {
      emit(track, c, 'call.ended', b, { cause: q850Cause(code, track.answered, true), q850: code });
    } else if (c.leg && !c.transferredAway) {
      const cause = c.answered ? 'normalClearing' : (dialStatusCause(c.dialStatus) ?? q850Cause(code, false, false));
      emit(track, c, 'call.ended', b, { cause, q850: code });
    }
    forgetIfOver(track);
  }

  /** A call is forgotten once its last channel hung up (agents' phones often hang up just after the caller). */
  function forgetIfOver(track: Track) {
    for (const ch of chans.values()) if (ch.callId === track.callId) return;
    calls.delete(track.callId);
  }

  function hold(b: AmiBlock, held: boolean) {
    const c = chanOf(b);
    if (!c || c.held === held) return;
    const track = calls.get(c.callId);
    if (!reported(track)) return;
    c.held = held;
    c.holdSeq++;
    emit(track, c, held ? 'call.held' : 'call.resumed', b, {}, `:${c.holdSeq}`);
  }

  function blindTransfer(b: AmiBlock) {
    if (!/^success$/i.test(b.result ?? '')) return;
    const transferer = chanOf(b, 'transferer');
    const track = transferer ? calls.get(transferer.callId) : undefined;
    const target = known(b.extension);
    if (!transferer || !reported(track) || !target) return;
    transferer.transferredAway = true;
    emit(track, transferer, 'call.transferred', b, { kind: 'blind', target }, `:${++track.transferSeq}`);
  }

  function attendedTransfer(b: AmiBlock) {
    if (!/^success$/i.test(b.result ?? '')) return;
    const first = chanOf(b, 'origtransferer');
    const second = chanOf(b, 'secondtransferer');
    if (!first || !second) return;
    // The customer's call is the reported one; the other is the agent's consultation.
    const [mine, consult] = reported(calls.get(first.callId)) ? [first, second] : [second, first];
    const track = calls.get(mine.callId);
    if (!reported(track)) {
      log('AMI: an attended transfer of a call the adapter did not follow (started before it connected?)');
      return;
    }
    const consultCall = calls.get(consult.callId);
    // The colleague who took the consultation: TransferTarget* (Asterisk 13.x+), else the consultation's agent leg.
    const target =
      chanOf(b, 'transfertarget') ??
      [...chans.values()].find((c) => c.callId === consult.callId && c.uid !== consultCall?.callerUid && c.agent);
    const agent = target?.agent ?? known(b.transfertargetcalleridnum) ?? known(b.secondtransfererconnectedlinenum);
    mine.transferredAway = true;
    consult.transferredAway = true;
    if (consultCall) calls.delete(consultCall.callId);
    if (!agent) return;
    emit(track, mine, 'call.transferred', b, { kind: 'attended', target: agent }, `:${++track.transferSeq}`);
    if (target) {
      // The colleague now talks to the caller: a leg of this call, answered at the transfer.
      target.callId = track.callId;
      target.leg = true;
      target.answered = false;
      answered(track, target, b);
    }
  }

  // ----- actions -----

  /** The call a hangup without an id means: the one reported call in progress. */
  function callFor(callId: string | undefined): Track {
    const live = [...calls.values()].filter(reported);
    const t = callId === undefined ? (live.length === 1 ? live[0] : undefined) : calls.get(callId);
    if (!t)
      throw new Error(callId === undefined ? 'AMI: no single call in progress to hang up' : `AMI: no call ${callId}`);
    return t;
  }

  return {
    name: 'ami',
    state: link.state,
    start: link.start,
    stop: link.stop,
    onState: link.onState,
    async hangup(callId) {
      const t = callFor(callId);
      const channel = chans.get(t.callerUid)?.name;
      if (!channel) throw new Error(`AMI: the call ${t.callId} has no channel left`);
      await send({ Action: 'Hangup', Channel: channel, Cause: '16' });
    },
    async dial(number) {
      if (!opts.originate) throw new Error('AMI: click-to-dial needs the originate setting (channel and context)');
      const digits = number.trim().replace(/[\s\-().]/g, '');
      if (!/^\+?[0-9*#]{1,32}$/.test(digits)) throw new Error(`AMI: "${number}" is not a number to dial`);
      await send({
        Action: 'Originate',
        Channel: opts.originate.channel,
        Context: opts.originate.context,
        Exten: digits,
        Priority: '1',
        Async: 'true',
        Timeout: '30000',
        ...(opts.originate.callerId ? { CallerID: opts.originate.callerId } : {}),
      });
    },
  };
}

/** Q.850 cause → why the call ended. After an answer every end is a normal one. */
export function q850Cause(code: number | undefined, answered: boolean, caller: boolean): CallEndCause {
  if (answered) return 'normalClearing';
  switch (code) {
    case undefined:
    case 0:
    case 16:
    case 31:
      return 'cancel'; // normal clearing before anyone answered: the caller gave up
    case 17:
      return 'busy';
    case 18:
    case 19:
    case 20:
      return 'noAnswer';
    case 21:
      // A call the PBX refused is a refused caller; an agent's phone declining is just busy.
      return caller ? 'rejected' : 'busy';
    case 1:
    case 3:
    case 22:
    case 28:
      return 'notFound';
    case 27:
    case 34:
    case 38:
    case 41:
    case 42:
    case 44:
      return 'congestion';
    default:
      return 'failed';
  }
}

/** Dial's DIALSTATUS for an agent's leg that was not answered. */
function dialStatusCause(status: string | null): CallEndCause | null {
  switch (status) {
    case 'CANCEL':
      return 'cancel';
    case 'NOANSWER':
      return 'noAnswer';
    case 'BUSY':
      return 'busy';
    case 'CHANUNAVAIL':
      return 'notFound';
    case 'CONGESTION':
      return 'congestion';
    default:
      return null;
  }
}
