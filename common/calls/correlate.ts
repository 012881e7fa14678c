/**
 * One call, many reporters (DESIGN.md §6): which known call an event belongs to. The server and the desk both
 * load the few candidates (same reporter id, same SIP Call-ID, same caller number around the same time) and ask
 * this function, so both sides group reports the same way.
 */
import type { Call } from '../domain';
import type { CallEvent } from './envelope';

/** Two reports of a ringing from the same number to the same agent this close together are one call. */
export const CORRELATION_WINDOW_MS = 10_000;
/**
 * How long before a record's first known moment another reporter's ringing, answer or hangup may lie and still
 * be that call: a record can be started by a late report (the softphone's answer arrived before the PBX's
 * ringing), and answers and hangups come long after the ring.
 */
export const LATE_REPORT_WINDOW_MS = 2 * 60_000;
/** How far back a report may lie before a record that no reporter reported ringing for (the longest call). */
export const UNRUNG_LOOKBACK_MS = 4 * 3600_000;
/** A hand-logged call (`call.log`) this close to a reported call from the same number is that call. */
export const HAND_LOG_WINDOW_MS = 5 * 60_000;

export type CallCandidate = Pick<
  Call,
  | 'id'
  | 'callId'
  | 'source'
  | 'legs'
  | 'sipCallIds'
  | 'from'
  | 'fromE164'
  | 'to'
  | 'offeredTo'
  | 'answeredBy'
  | 'startedAt'
  | 'endedAt'
  | 'lastEventAt'
  | 'direction'
>;

const norm = (ref: string) => ref.trim().toLowerCase();
const t = (iso: string) => Date.parse(iso);

/** The record that holds this reporter's id already (its primary id or one of its legs' ids). */
export function byReporterId<C extends CallCandidate>(callId: string, candidates: readonly C[]): C | undefined {
  return candidates.find((c) => c.callId === callId || c.legs.some((l) => l.callId === callId));
}

/** The agents a record or an event names (offered, answering, or the reporter's own). */
function agentsOf(c: CallCandidate): Set<string> {
  const refs = [...c.offeredTo, ...(c.answeredBy ? [c.answeredBy] : []), ...c.legs.map((l) => l.agent)];
  return new Set(refs.filter((r): r is string => !!r).map(norm));
}
function agentsOfEvent(e: CallEvent): string[] {
  const refs = [e.agent, e.type === 'call.ringing' ? e.offeredTo : [], e.type === 'call.answered' ? e.answeredBy : []];
  return refs
    .flat()
    .filter((r): r is string => !!r)
    .map(norm);
}

/**
 * The call `e` reports, among `candidates`, or undefined for a new call. In order: the same reporter id; the
 * same SIP Call-ID; else, from another reporter (one PBX never reports two calls as one), the same caller number
 * in the same direction for a common agent (when both name agents), at a compatible time — a ringing within
 * CORRELATION_WINDOW_MS of the record's first ring, any other report within the record's span (its start widened
 * by LATE_REPORT_WINDOW_MS); before a record that only later reports started (nobody reported its ringing), any
 * report up to UNRUNG_LOOKBACK_MS earlier. Closest first.
 */
export function correlate<C extends CallCandidate>(
  e: CallEvent,
  candidates: readonly C[],
  toE164: (raw: string) => string | null,
): C | undefined {
  const same = byReporterId(e.callId, candidates);
  if (same) return same;
  if (e.sipCallId) {
    const bySip = candidates.find((c) => c.sipCallIds.includes(e.sipCallId as string));
    if (bySip) return bySip;
  }
  if (!e.from || !e.direction) return undefined;
  const number = toE164(e.from) ?? e.from;
  const agents = agentsOfEvent(e);
  const at = t(e.ts);
  let best: C | undefined;
  let bestGap = Infinity;
  for (const c of candidates) {
    if (c.direction !== e.direction || (c.fromE164 ?? c.from) !== number) continue;
    if (c.legs.some((l) => l.source === e.source)) continue;
    const theirs = agentsOf(c);
    if (agents.length > 0 && theirs.size > 0 && !agents.some((a) => theirs.has(a))) continue;
    const start = t(c.startedAt);
    const end = c.endedAt === null ? Infinity : t(c.endedAt) + LATE_REPORT_WINDOW_MS;
    const rang = c.legs.some((l) => l.rang);
    const fits =
      e.type === 'call.ringing'
        ? // A record nobody reported ringing for began before its first report: its ring can lie far back.
          Math.abs(at - start) <= CORRELATION_WINDOW_MS || (!rang && at < start && start - at <= UNRUNG_LOOKBACK_MS)
        : at >= start - (rang ? LATE_REPORT_WINDOW_MS : UNRUNG_LOOKBACK_MS) && at <= end;
    const gap = Math.abs(at - start);
    if (fits && gap < bestGap) {
      best = c;
      bestGap = gap;
    }
  }
  return best;
}

/**
 * Whether two records are reports of the same call that were grouped apart (the desk's optimistic record of its
 * softphone's report, and the server's record of the PBX's report that arrived first): one holds all the other's
 * reporter ids, they share a SIP Call-ID, or their first rings match as `correlate` matches a ringing.
 */
export function sameCall(a: CallCandidate, b: CallCandidate, toE164: (raw: string) => string | null): boolean {
  const ids = new Set(b.legs.map((l) => `${l.source}\u0000${l.callId}`));
  if (a.legs.length > 0 && a.legs.every((l) => ids.has(`${l.source}\u0000${l.callId}`))) return true;
  if (a.sipCallIds.some((id) => b.sipCallIds.includes(id))) return true;
  if (a.direction !== b.direction || a.legs.some((l) => b.legs.some((m) => m.source === l.source))) return false;
  const number = (c: CallCandidate) => c.fromE164 ?? (c.from === null ? null : (toE164(c.from) ?? c.from));
  if (number(a) === null || number(a) !== number(b)) return false;
  const theirs = agentsOf(b);
  const ours = [...agentsOf(a)];
  if (ours.length > 0 && theirs.size > 0 && !ours.some((r) => theirs.has(r))) return false;
  return Math.abs(t(a.startedAt) - t(b.startedAt)) <= CORRELATION_WINDOW_MS;
}

/**
 * The reported call a hand log describes: same direction, the same outside number (caller for inbound, callee
 * for outbound), started within HAND_LOG_WINDOW_MS, closest first; undefined → the log is a call of its own.
 */
export function matchHandLog<C extends CallCandidate>(
  log: { direction: Call['direction']; number: string; startedAt: string },
  candidates: readonly C[],
  toE164: (raw: string) => string | null,
): C | undefined {
  const number = toE164(log.number) ?? log.number;
  let best: C | undefined;
  let bestGap = Infinity;
  for (const c of candidates) {
    if (c.direction !== log.direction || c.source === 'desk') continue;
    const theirs = log.direction === 'inbound' ? (c.fromE164 ?? c.from) : c.to && (toE164(c.to) ?? c.to);
    if (theirs !== number) continue;
    const gap = Math.abs(t(c.startedAt) - t(log.startedAt));
    if (gap <= HAND_LOG_WINDOW_MS && gap < bestGap) {
      best = c;
      bestGap = gap;
    }
  }
  return best;
}

/** What an agent reference from a PBX (username, display name, extension or id) names, case-insensitively. */
export function matchAgent<U extends { id: string; username: string; name: string; extension: string | null }>(
  ref: string,
  users: readonly U[],
): U | undefined {
  const r = norm(ref);
  if (!r) return undefined;
  return (
    users.find((u) => u.id === ref) ??
    users.find((u) => u.extension !== null && norm(u.extension) === r) ??
    users.find((u) => norm(u.username) === r) ??
    users.find((u) => norm(u.name) === r)
  );
}
