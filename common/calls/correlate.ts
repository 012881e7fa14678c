/**
 * One call, many reporters (DESIGN.md §6): which known call an event belongs to. The server and the desk both
 * load the few candidates (same reporter id, same SIP Call-ID, same caller number around the same time) and ask
 * this function; the answer never depends on which reporter spoke first.
 */
import type { Call } from '../domain';
import type { CallEvent } from './envelope';

/** Two reports of a ringing from the same number to the same agent this close together are one call. */
export const CORRELATION_WINDOW_MS = 10_000;
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
  | 'startedAt'
  | 'direction'
>;

const norm = (ref: string) => ref.trim().toLowerCase();
const t = (iso: string) => Date.parse(iso);

/** The record that holds this reporter's id already (its primary id or one of its legs' ids). */
export function byReporterId<C extends CallCandidate>(callId: string, candidates: readonly C[]): C | undefined {
  return candidates.find((c) => c.callId === callId || c.legs.some((l) => l.callId === callId));
}

/**
 * The call `e` reports, among `candidates`, or undefined for a new call. In order: the same reporter id; the
 * same SIP Call-ID; for a ringing, the same caller number offered to a common agent (extension, username…)
 * within CORRELATION_WINDOW_MS, from another reporter (one PBX never reports two calls as one), closest first.
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
  if (e.type !== 'call.ringing' || !e.offeredTo?.length) return undefined;
  const number = toE164(e.from) ?? e.from;
  const offered = new Set(e.offeredTo.map(norm));
  let best: C | undefined;
  let bestGap = Infinity;
  for (const c of candidates) {
    if (c.direction !== e.direction) continue;
    if ((c.fromE164 ?? c.from) !== number) continue;
    if (c.legs.some((l) => l.source === e.source)) continue;
    if (!c.offeredTo.some((ref) => offered.has(norm(ref)))) continue;
    const gap = Math.abs(t(c.startedAt) - t(e.ts));
    if (gap <= CORRELATION_WINDOW_MS && gap < bestGap) {
      best = c;
      bestGap = gap;
    }
  }
  return best;
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
