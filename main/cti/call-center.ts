/**
 * The desk's phone (DESIGN.md §6): what the local adapters hear and what the server sends live become one call
 * record per call in the cache (the outbox carries local events to the server, exactly once and offline-safe);
 * the agent's presence follows their calls (on_call on answer, wrap_up at the end, available after the wrap-up
 * time); softphone commands go to whichever adapter can control a phone.
 */
import { randomUUID } from 'node:crypto';
import type { EventPayload } from '../../common/contract';
import type { PhoneRef } from '../../common/api';
import { CallEvent } from '../../common/calls/envelope';
import { correlate, sameCall } from '../../common/calls/correlate';
import { maskCallEvent } from '../../common/calls/mask';
import { sweepCall } from '../../common/calls/machine';
import { isSoftphoneSource } from '../../common/calls/envelope';
import type { CallPop, CallerCandidate, CtiSettings } from '../../common/calls/pop';
import type { Call, Presence, PresenceState, User } from '../../common/domain';
import { CallLiveMessage, type LiveMessage } from '../../common/live';
import { MutationRejected, parseMutation, type Mutation } from '../../common/mutations';
import { parseCallerNumber } from '../../common/calls/caller-id';
import { parsePhoneQuery, phoneHashOf, toE164 } from '../../common/residents/phone';
import type { PhoneHasher } from '../../common/residents/phone-hash';
import { DEFAULT_SITE_TIME_ZONE } from '../../common/sla/timezone';
import type { CacheRepos } from '../cache';
import type { Emit } from '../events';
import { DeskError } from '../session';
import type { PhoneReveal } from '../privacy/reveal';
import type { Outbox } from '../sync/outbox';
import type { CallerIdLookup } from './caller-id';
import type { SoftphoneControl } from './types';

/** Calls the desk considers live: not ended, or started this recently (a ringing the server has not ended yet). */
const LIVE_WINDOW_MS = 30 * 60_000;
const POP_TICKETS = 10;
const POP_LAST_CALLS = 5;

export interface CallCenterDeps {
  repos: CacheRepos;
  outbox: Outbox;
  user(): User | null;
  emit: Emit;
  /** After a local write: push soon. */
  schedulePush(): void;
  callerId: CallerIdLookup;
  /** The session's phone hash (a typed number in the calls views is found by it). */
  phoneHash: PhoneHasher;
  /** Whole numbers for click-to-dial come from the server (an audited reveal). */
  reveal: Pick<PhoneReveal, 'dial'>;
  /** The adapter that can drive this desk's phone, if one is connected. */
  softphone(): SoftphoneControl | null;
  settings(): CtiSettings;
  /** The site's wrap-up time (seconds). */
  wrapUpSeconds(): number;
  now?: () => Date;
  log?: (message: string, err?: unknown) => void;
}

export interface CallCenter {
  /** An event from a local adapter (baresip, the local hook, AMI at the desk). */
  report(event: CallEvent): void;
  /** A server message from the live socket (calls offered to this agent). */
  onLive(message: LiveMessage): void;
  active(): Call[];
  pop(id: string): CallPop | null;
  list(
    view: 'today' | 'missed' | 'all',
    number: string | undefined,
    limit: number,
  ): { items: Call[]; missedOpen: number };
  control(action: 'answer' | 'hangup' | 'hold' | 'resume', id?: string): Promise<void>;
  /** Click-to-dial a stored number: asked of the server (audited), so it needs the server. */
  dial(ref: PhoneRef): Promise<void>;
  act(m: Mutation): Call;
  link(input: { id: string; ticketId?: string; residentId?: string }): Call;
  presence(): EventPayload<'presence.changed'>;
  setPresence(state: PresenceState, callId?: string | null): EventPayload<'presence.changed'>;
  stop(): void;
}

export function createCallCenter(deps: CallCenterDeps): CallCenter {
  const { repos, outbox, emit } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? ((message, err) => console.warn(`[calls] ${message}`, err ?? ''));
  let wrapUpTimer: NodeJS.Timeout | null = null;

  const me = () => deps.user();
  function requireActor(): User {
    const user = me();
    if (!user) throw new DeskError('unauthenticated', 'Log in first');
    return user;
  }
  const myRefs = (user: User) =>
    [user.id, user.username, deps.settings().extension ?? user.extension].filter((r): r is string => !!r).map(norm);

  /** Offered to this agent, answered by them, or heard on this desk's own softphone. */
  function isMine(call: Call, user: User): boolean {
    if (call.agentId === user.id || call.offeredAgentIds.includes(user.id)) return true;
    const refs = myRefs(user);
    if (call.offeredTo.some((r) => refs.includes(norm(r)))) return true;
    return call.legs.some((l) => isSoftphoneSource(l.source));
  }
  /**
   * This desk's softphone and hook speak for its agent: an event of theirs that names no agent is this agent's
   * (who answered, whose phone rang), so the call shows who took it.
   */
  function forThisDesk(e: CallEvent, user: User): CallEvent {
    if (!isSoftphoneSource(e.source)) return e;
    const me = deps.settings().extension ?? user.extension ?? user.username;
    const agent = e.agent ?? me;
    return e.type === 'call.answered' ? { ...e, agent, answeredBy: e.answeredBy ?? agent } : { ...e, agent };
  }

  function answeredHere(call: Call, user: User): boolean {
    if (call.answeredAt === null) return false;
    if (call.agentId === user.id) return true;
    const refs = myRefs(user);
    return (
      (call.answeredBy !== null && refs.includes(norm(call.answeredBy))) ||
      call.legs.some((l) => isSoftphoneSource(l.source) && l.answeredAt !== null)
    );
  }

  function enqueue(m: Mutation, user: User): Call | undefined {
    const { effect } = outbox.enqueue(m, user.id, now());
    deps.schedulePush();
    return effect.calls[0];
  }

  /** Tells the renderer, and moves the agent's presence with their call. */
  function changed(call: Call, before: Call | undefined): void {
    const user = me();
    if (!user) return;
    if (isMine(call, user)) {
      const ringingNow = call.state === 'ringing' && before?.state !== 'ringing';
      emit(ringingNow ? 'call.ringing' : 'call.updated', { call });
      followPresence(call, before, user);
    }
    emit('calls.changed', {});
  }

  function followPresence(call: Call, before: Call | undefined, user: User): void {
    const current = repos.presence.get(user.id);
    const wasTalking = before !== undefined && before.answeredAt !== null && before.endedAt === null;
    if (call.endedAt === null && answeredHere(call, user) && current?.state !== 'on_call') {
      setPresence('on_call', call.id);
    } else if (call.endedAt !== null && (wasTalking || before === undefined) && answeredHere(call, user)) {
      if (current?.state === 'on_call' && (current.callId === null || current.callId === call.id)) {
        setPresence('wrap_up', call.id);
      }
    }
  }

  /** Wrap-up ends by itself: the agent is available again when its time is up (unless they chose otherwise). */
  function scheduleWrapUpEnd(p: Presence | undefined): void {
    if (wrapUpTimer) clearTimeout(wrapUpTimer);
    wrapUpTimer = null;
    if (p?.state !== 'wrap_up' || p.wrapUpUntil === null) return;
    const wait = Math.max(0, Date.parse(p.wrapUpUntil) - now().getTime());
    wrapUpTimer = setTimeout(() => {
      wrapUpTimer = null;
      const user = me();
      const still = user ? repos.presence.get(user.id) : undefined;
      const due = still?.wrapUpUntil ? Date.parse(still.wrapUpUntil) <= now().getTime() + 500 : true;
      if (user && still?.state === 'wrap_up' && due) setPresence('available');
      else scheduleWrapUpEnd(still); // the wrap-up was extended meanwhile
    }, wait);
    wrapUpTimer.unref?.();
  }

  function presenceView(): EventPayload<'presence.changed'> {
    const user = me();
    return { mine: user ? (repos.presence.get(user.id) ?? null) : null, all: repos.presence.all() };
  }

  function setPresence(state: PresenceState, callId: string | null = null) {
    const user = requireActor();
    const m = parseMutation('presence.set', {
      state,
      callId,
      ...(state === 'wrap_up' ? { wrapUpSeconds: deps.wrapUpSeconds() } : {}),
    });
    outbox.enqueue(m, user.id, now());
    deps.schedulePush();
    const view = presenceView();
    scheduleWrapUpEnd(view.mine ?? undefined);
    emit('presence.changed', view);
    return view;
  }

  /**
   * The caller as the agent reads them (masked, as the cache keeps every number), and who they may be: by the
   * number's hash, in the local directory, offline too.
   */
  function candidatesFor(call: Call): { display: string | null; withheld: boolean; candidates: CallerCandidate[] } {
    const inbound = call.direction === 'inbound';
    const shown = inbound ? call.from : call.to;
    if (parseCallerNumber(shown).kind === 'withheld') return { display: null, withheld: true, candidates: [] };
    const candidates = deps.callerId.byHash(inbound ? call.fromHash : call.toHash);
    return { display: shown?.trim() ?? null, withheld: false, candidates };
  }

  /** A typed number in the calls views: a whole one by its hash, a partial one by its last digits. */
  function numberFilter(number: string | undefined): { numberHash?: string; numberSuffix?: string } | null {
    if (number === undefined || number.trim() === '') return {};
    const query = parsePhoneQuery(number);
    if (!query) return null;
    const hash = query.kind === 'exact' ? phoneHashOf(deps.phoneHash, query.e164) : null;
    return hash ? { numberHash: hash } : { numberSuffix: query.digits.slice(-4) };
  }

  return {
    report(raw) {
      const parsed = CallEvent.safeParse(raw);
      if (!parsed.success) return log(`dropped a malformed call event: ${parsed.error.issues[0]?.message ?? ''}`);
      const user = me();
      // Without a session nothing can be pushed under anyone's name; the PBX's own report still reaches the server.
      if (!user) return log(`call event ${parsed.data.type} ignored: nobody is logged in at this desk`);
      const m = parseMutation('call.event', { event: forThisDesk(parsed.data, user) });
      // The record this event will join (the writer correlates the same way, on masked numbers as the cache keeps
      // them), to tell a new ringing from a known one.
      const before = correlate(maskCallEvent(parsed.data), repos.calls.live(LIVE_WINDOW_MS), toE164);
      try {
        const call = enqueue(m, user);
        if (call) changed(call, before);
      } catch (err) {
        log(`call event ${parsed.data.type} could not be applied`, err);
      }
    },
    onLive(message) {
      const parsed = CallLiveMessage.safeParse(message);
      if (!parsed.success) return;
      const { call } = parsed.data;
      const before = repos.calls.get(call.id);
      // A pull may already have brought a newer state.
      if (before?.lastEventAt && call.lastEventAt && Date.parse(before.lastEventAt) > Date.parse(call.lastEventAt))
        return;
      // As kept: masked (the server masks what it sends; the cache masks whatever it is given).
      const kept = repos.calls.put(call);
      // The desk's own copy of the same call under another id (its softphone spoke first, or the PBX's report
      // reached the server first) goes: one pop per call. Its queued events re-apply onto this record at the
      // next rebase, as the server groups them. (`calls.changed` below makes the renderer ask `calls.active`.)
      for (const mine of repos.calls.optimisticOnly()) {
        if (mine.id !== kept.id && sameCall(mine, kept, toE164)) repos.calls.delete(mine.id);
      }
      changed(kept, before);
    },
    active() {
      const user = me();
      if (!user) return [];
      const at = now();
      return repos.calls
        .live(LIVE_WINDOW_MS)
        .map((c) => sweepCall(c, at))
        .filter((c) => c.endedAt === null && isMine(c, user))
        .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    },
    pop(id) {
      const user = me();
      const call = repos.calls.get(id);
      if (!call || !user) return null;
      const { display, withheld, candidates } = candidatesFor(call);
      const linked = call.residentId ? candidates.find((c) => c.residentId === call.residentId) : undefined;
      const resident = linked ?? (candidates.length === 1 ? (candidates[0] ?? null) : null);
      const tickets = resident
        ? repos.tickets.openForCaller(
            resident.residentId,
            resident.units.map((u) => u.id),
            POP_TICKETS * 2,
          )
        : [];
      const lastCalls = call.fromHash
        ? repos.calls
            .list({ numberHash: call.fromHash, limit: POP_LAST_CALLS + 1 })
            .filter((c) => c.id !== call.id)
            .slice(0, POP_LAST_CALLS)
        : [];
      return {
        call,
        number: display,
        withheld,
        candidates,
        resident,
        openTickets: tickets.filter((t) => t.type !== 'fee').slice(0, POP_TICKETS),
        lastCalls,
        arrears: tickets.filter((t) => t.type === 'fee'),
        mine: answeredHere(call, user),
      };
    },
    list(view, number, limit) {
      const midnight = new Date(now());
      midnight.setHours(0, 0, 0, 0);
      const byNumber = numberFilter(number);
      const items = byNumber
        ? repos.calls.list({
            callbacks: view === 'missed',
            since: view === 'today' ? midnight.toISOString() : undefined,
            ...byNumber,
            limit,
          })
        : []; // not a number: no call is from it
      return { items, missedOpen: repos.calls.openCallbacks() };
    },
    async control(action, id) {
      const phone = deps.softphone();
      if (!phone) throw new DeskError('no_softphone', 'No softphone is connected to this desk');
      const reporterId = id ? softphoneCallId(repos.calls.get(id)) : undefined;
      await phone[action](reporterId);
    },
    async dial(ref) {
      requireActor();
      // Checked first: a reveal for a dial that cannot happen would be audited for nothing.
      if (!deps.softphone()) throw new DeskError('no_softphone', 'No softphone is connected to this desk');
      const number = await deps.reveal.dial(ref);
      const phone = deps.softphone();
      if (!phone) throw new DeskError('no_softphone', 'No softphone is connected to this desk');
      await phone.dial(number);
    },
    act(m) {
      const user = requireActor();
      const call = enqueue(m, user);
      if (!call) throw new MutationRejected('not_found', 'No such call');
      changed(call, undefined);
      return call;
    },
    link(input) {
      const user = requireActor();
      const before = repos.calls.get(input.id);
      if (!before) throw new DeskError('not_found', 'No such call');
      const call = enqueue(parseMutation('call.link', input), user);
      if (!call) throw new DeskError('not_found', 'No such call');
      if (input.ticketId && !before.ticketIds.includes(input.ticketId)) {
        // The ticket's work log says a call was about it (insert-only, like every comment).
        const number = before.direction === 'inbound' ? before.from : before.to;
        enqueue(
          parseMutation('ticket.comment', {
            id: input.ticketId,
            eventId: randomUUID(),
            body: `来电关联 / Call linked: ${number ?? '—'} ${formatLocalTime(before.startedAt)}`,
          }),
          user,
        );
        emit('tickets.changed', { ids: [input.ticketId] });
      }
      changed(call, before);
      return call;
    },
    presence: presenceView,
    setPresence,
    stop() {
      if (wrapUpTimer) clearTimeout(wrapUpTimer);
      wrapUpTimer = null;
    },
  };
}

const norm = (s: string) => s.trim().toLowerCase();

/** "2026-12-05 09:30" in the site's zone, for the work-log line a link writes. */
function formatLocalTime(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: DEFAULT_SITE_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** The id this desk's softphone knows the call by (its own leg's). */
function softphoneCallId(call: Call | undefined): string | undefined {
  return call?.legs.find((l) => isSoftphoneSource(l.source))?.callId;
}
