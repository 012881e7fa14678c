/**
 * The call state machine (DESIGN.md §6), one pure function used by the server and the desk like the workflow
 * engine. A record is a merge of the facts its events carry, so the order events arrive in matters as little as
 * it can: times merge by min, an `ended` call is never reopened (later events only fill gaps: a recording URL, an
 * answer that happened before the hangup), and the derived fields (state, missed, durations, callback queue) are
 * recomputed from the facts after every event.
 */
import { NO_CALLBACK, type Call, type CallLeg } from '../domain';
import { isSoftphoneSource, legIdOf, type CallEvent } from './envelope';

export interface CallMachineContext {
  /** The id of a record this event creates (the caller picks it: a uuid). */
  newId: () => string;
  /** Server time (desk time in the optimistic copy): stamps a new record's `loggedAt`. */
  now: Date;
  /** The user an agent reference (extension, username, display name, id) stands for, if any. */
  resolveAgent?: (ref: string) => string | null;
  /** E.164 of a reported number (common/residents/phone toE164); absent → fromE164 stays null. */
  toE164?: (raw: string) => string | null;
}

export interface SweepLimits {
  /** A call still ringing this long after its first ring is ended as `lost` (default 10 min). */
  ringingMs: number;
  /** A call answered this long ago and not ended is ended as `lost` (default 4 h). */
  talkingMs: number;
}
export const DEFAULT_SWEEP_LIMITS: SweepLimits = { ringingMs: 10 * 60_000, talkingMs: 4 * 3600_000 };

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
const minIso = (a: string | null, b: string) => (a === null || ms(b) < ms(a) ? b : a);
const maxIso = (a: string | null, b: string) => (a === null || ms(b) > ms(a) ? b : a);
const union = (a: readonly string[], b: readonly string[] | undefined) =>
  b?.length ? [...new Set([...a, ...b])] : [...a];

/** A record for a call first heard of by `e` (any type: a lone `ended` still makes a record). */
function blank(e: CallEvent, ctx: CallMachineContext): Call {
  return {
    id: ctx.newId(),
    callId: e.callId,
    direction: e.direction ?? 'inbound',
    from: null,
    to: null,
    agentId: null,
    residentId: null,
    ticketId: null,
    startedAt: e.ts,
    answeredAt: null,
    endedAt: null,
    missed: false,
    notes: '',
    loggedAt: ctx.now.toISOString(),
    state: 'ringing',
    source: e.source,
    fromE164: null,
    callerName: null,
    queue: null,
    offeredTo: [],
    offeredAgentIds: [],
    answeredBy: null,
    legs: [],
    sipCallIds: [],
    cause: null,
    q850: null,
    forwarded: false,
    blocked: false,
    waitingSeconds: null,
    talkingSeconds: null,
    heldAt: null,
    holdSeconds: 0,
    transfers: [],
    recordingUrl: null,
    residentConfidence: null,
    callback: NO_CALLBACK,
    disposition: null,
    ticketIds: [],
    lastEventAt: null,
    fromHash: null,
    toHash: null,
  };
}

/** The leg `e` belongs to, created on first sight. */
function withLeg(legs: readonly CallLeg[], e: CallEvent): { legs: CallLeg[]; leg: CallLeg } {
  const legId = legIdOf(e);
  const found = legs.find((l) => l.legId === legId);
  const leg: CallLeg = found
    ? { ...found, sipCallId: found.sipCallId ?? e.sipCallId ?? null }
    : {
        legId,
        source: e.source,
        callId: e.callId,
        sipCallId: e.sipCallId ?? null,
        agent: null,
        startedAt: e.ts,
        answeredAt: null,
        endedAt: null,
        cause: null,
        q850: null,
        rang: false,
      };
  if (e.type === 'call.ringing') leg.rang = true;
  leg.startedAt = minIso(leg.startedAt, e.ts);
  return { legs: [...legs.filter((l) => l.legId !== legId), leg].sort(byStart), leg };
}
const byStart = (a: CallLeg, b: CallLeg) => ms(a.startedAt) - ms(b.startedAt) || a.legId.localeCompare(b.legId);

/** The leg whose report speaks for the whole call: the primary reporter's first leg. */
export function primaryLeg(call: Call): CallLeg | undefined {
  return call.legs.find((l) => l.callId === call.callId && l.source === call.source) ?? call.legs[0];
}

/**
 * Applies one event to the call it belongs to (`call` undefined: the event's call is new). Idempotent: applying
 * the same event again changes nothing. The caller dedupes by eventId too and finds `call` by id or correlation
 * (common/calls/correlate.ts).
 */
export function applyCallEvent(call: Call | undefined, e: CallEvent, ctx: CallMachineContext): Call {
  const c: Call = structuredClone(call ?? blank(e, ctx));
  const ended = c.endedAt !== null && c.cause !== 'lost';
  const { legs, leg } = withLeg(c.legs, e);
  c.legs = legs;
  if (e.agent) leg.agent = e.agent;
  c.lastEventAt = maxIso(c.lastEventAt, e.ts);
  if (e.sipCallId) c.sipCallIds = union(c.sipCallIds, [e.sipCallId]);

  // One call, many reporters: a PBX's id is primary over a softphone's, whichever reported first.
  if (isSoftphoneSource(c.source) && !isSoftphoneSource(e.source)) {
    c.callId = e.callId;
    c.source = e.source;
  }
  const fromPrimary = e.source === c.source && e.callId === c.callId;

  // Facts: fill gaps; the primary reporter's word wins over a softphone's.
  if (e.direction && (fromPrimary || !call)) c.direction = e.direction;
  if (e.from !== undefined && e.from !== '' && (c.from === null || fromPrimary)) c.from = e.from;
  if (e.to !== undefined && e.to !== '' && (c.to === null || fromPrimary)) c.to = e.to;
  if (c.from !== null && ctx.toE164) c.fromE164 = ctx.toE164(c.from);
  c.startedAt = minIso(c.startedAt, e.ts);

  switch (e.type) {
    case 'call.ringing': {
      if (e.callerName && (c.callerName === null || fromPrimary)) c.callerName = e.callerName;
      if (e.queue && (c.queue === null || fromPrimary)) c.queue = e.queue;
      // A softphone rings for its own agent: that agent was offered the call too.
      const offered = [...(e.offeredTo ?? []), ...(e.agent ? [e.agent] : [])];
      c.offeredTo = union(c.offeredTo, offered);
      c.offeredAgentIds = union(c.offeredAgentIds, resolved(offered, ctx));
      break;
    }
    case 'call.answered': {
      // An answer reported after the hangup fills the gap only if it happened before it.
      if (ended && c.endedAt !== null && ms(e.ts) > ms(c.endedAt)) break;
      leg.answeredAt = minIso(leg.answeredAt, e.ts);
      if (e.answeredBy) leg.agent = e.answeredBy;
      if (c.answeredAt === null || ms(e.ts) <= ms(c.answeredAt)) {
        c.answeredAt = e.ts;
        if (e.answeredBy) c.answeredBy = e.answeredBy;
      } else if (c.answeredBy === null && e.answeredBy) {
        c.answeredBy = e.answeredBy;
      }
      if (c.answeredBy && !c.offeredTo.includes(c.answeredBy)) c.offeredTo = union(c.offeredTo, [c.answeredBy]);
      const agent = c.answeredBy ? (ctx.resolveAgent?.(c.answeredBy) ?? null) : null;
      if (agent) {
        c.agentId = agent;
        c.offeredAgentIds = union(c.offeredAgentIds, [agent]);
      }
      break;
    }
    case 'call.held':
      if (!ended && c.answeredAt !== null && c.heldAt === null && ms(e.ts) >= ms(c.answeredAt)) c.heldAt = e.ts;
      break;
    case 'call.resumed':
      if (!ended && c.heldAt !== null && ms(e.ts) >= ms(c.heldAt)) {
        c.holdSeconds += (ms(e.ts) - ms(c.heldAt)) / 1000;
        c.heldAt = null;
      }
      break;
    case 'call.transferred': {
      if (ended) break;
      if (!c.transfers.some((t) => t.kind === e.kind && t.target === e.target && t.at === e.ts)) {
        c.transfers = [...c.transfers, { kind: e.kind, target: e.target, at: e.ts }];
      }
      c.offeredTo = union(c.offeredTo, [e.target]);
      c.offeredAgentIds = union(c.offeredAgentIds, resolved([e.target], ctx));
      break;
    }
    case 'call.ended':
      // The leg's own end; whether it ends the call is decided from all legs below.
      if (leg.endedAt === null || ms(e.ts) < ms(leg.endedAt)) {
        leg.endedAt = e.ts;
        leg.cause = e.cause;
        leg.q850 = e.q850 ?? null;
      }
      break;
    case 'call.recording':
      c.recordingUrl ??= e.url;
      break;
  }
  endFromLegs(c);
  return derive(c);
}

/**
 * Only the primary leg or an answering leg ends the call (or the only leg there is): one of three agents' phones
 * that stops ringing because a colleague answered is that leg's end, not the call's. Decided from the legs'
 * facts after every event, so the order the reports arrive in does not change the outcome. Never reopens.
 */
function endFromLegs(c: Call): void {
  // A reporter that reports each agent's channel as a leg of one call id (AMI: legs grouped by Linkedid) names
  // that leg's agent: such a leg speaks for the call only if it was answered, like any other reporter's.
  const speaks = (l: CallLeg) =>
    (l.source === c.source && l.callId === c.callId && l.agent === null) ||
    l.answeredAt !== null ||
    c.legs.length === 1;
  const ends = c.legs.filter((l) => l.endedAt !== null && speaks(l)).sort((a, b) => ms(a.endedAt!) - ms(b.endedAt!));
  const first = ends[0];
  if (!first?.endedAt) return;
  if (c.endedAt === null || c.cause === 'lost') {
    c.endedAt = first.endedAt;
    c.cause = first.cause ?? 'normalClearing';
    c.q850 = first.q850;
  } else if (ms(first.endedAt) < ms(c.endedAt) && ms(first.endedAt) >= ms(c.answeredAt ?? c.startedAt)) {
    c.endedAt = first.endedAt; // an earlier report of the same end
  }
  c.forwarded = ends.some((l) => l.cause === 'forwarded');
  c.blocked = ends.some((l) => l.cause === 'rejected');
}

function resolved(refs: readonly string[] | undefined, ctx: CallMachineContext): string[] {
  if (!refs || !ctx.resolveAgent) return [];
  return refs.map((r) => ctx.resolveAgent?.(r) ?? null).filter((id): id is string => id !== null);
}

/** Recomputes what follows from the facts: state, missed, durations and the callback queue. */
export function derive(call: Call): Call {
  const c = call;
  if (c.endedAt !== null) {
    if (c.heldAt !== null) {
      c.holdSeconds += Math.max(0, (ms(c.endedAt) - ms(c.heldAt)) / 1000);
      c.heldAt = null;
    }
    // An answer can never come after the end (a bad clock on one reporter): clamp it.
    if (c.answeredAt !== null && ms(c.answeredAt) > ms(c.endedAt)) c.answeredAt = c.endedAt;
    c.state = 'ended';
  } else if (c.heldAt !== null) c.state = 'held';
  else if (c.answeredAt !== null) c.state = 'talking';
  else c.state = 'ringing';

  const stop = c.answeredAt ?? c.endedAt;
  c.waitingSeconds = stop === null ? null : Math.max(0, (ms(stop) - ms(c.startedAt)) / 1000);
  c.talkingSeconds =
    c.answeredAt !== null && c.endedAt !== null ? Math.max(0, (ms(c.endedAt) - ms(c.answeredAt)) / 1000) : null;
  c.missed = isMissed(c);
  if (c.missed && c.callback.state === 'none') c.callback = { ...NO_CALLBACK, state: 'open' };
  // A late report of an answer takes a call out of the queue, unless someone already works on it.
  if (!c.missed && c.callback.state === 'open') c.callback = NO_CALLBACK;
  return c;
}

/** Missed = inbound, ended, never answered, not forwarded, not refused as a blocked caller (§6). */
export function isMissed(c: Pick<Call, 'direction' | 'endedAt' | 'answeredAt' | 'forwarded' | 'blocked'>): boolean {
  return c.direction === 'inbound' && c.endedAt !== null && c.answeredAt === null && !c.forwarded && !c.blocked;
}

/**
 * Ends a call whose hangup never came: ringing past `ringingMs` or talking past `talkingMs` (cause `lost`; a
 * lost inbound call that was never answered is missed, so it reaches the callback queue). Returns the call
 * unchanged (same object) when it is not due.
 */
export function sweepCall(call: Call, now: Date, limits: SweepLimits = DEFAULT_SWEEP_LIMITS): Call {
  if (call.endedAt !== null) return call;
  const t = now.getTime();
  const due =
    call.answeredAt === null ? t - ms(call.startedAt) >= limits.ringingMs : t - ms(call.answeredAt) >= limits.talkingMs;
  if (!due) return call;
  const c = structuredClone(call);
  c.endedAt = iso(t);
  c.cause = 'lost';
  return derive(c);
}
