/**
 * The call records of a group of events (./ingest-group), in memory: what groupCandidatesRead read, then every
 * record the group's events create or change, as they leave it. Each event's candidates are picked from here with
 * loadCandidates' own rules (store.ts) — the alias of a known reporter id, else the aliases of its reporter id and
 * SIP Call-ID and the nearest calls from its number — so it sees its group's earlier events exactly as if each had
 * been written before it was read.
 */
import type { Call } from '../../common/domain';
import { callAsStored } from '../db/rows';
import { MAX_NUMBER_CANDIDATES, candidateWindow, newAliases, type CallAlias, type GroupCandidates } from './store';

const aliasKey = (kind: CallAlias['kind'], alias: string) => `${kind}\u0000${alias}`;

interface Held {
  /** The record as the group left it (what is written). */
  call: Call;
  /** `call` as a read would give it back (made when a later event reads it). */
  stored: Call | null;
  startedMs: number;
}

export interface GroupCalls {
  /** What loadCandidates would return for `e` now (ordered by start, then id). */
  candidates(
    e: { type: string; callId: string; sipCallId?: string | undefined; ts: string },
    fromE164: string | null,
  ): Call[];
  /** Records an event's result: `before` is the record as the event read it (undefined: a new record). */
  put(after: Call, before: Call | undefined): void;
  /** The records the group wrote, each once, as it left them. */
  written(): Call[];
  /** The aliases the group's saves add, in the order the saves ran (the first to claim one keeps it). */
  addedAliases(): CallAlias[];
}

export function groupCalls(read: GroupCandidates): GroupCalls {
  const held = new Map<string, Held>();
  const hold = (call: Call, stored: Call | null) =>
    held.set(call.id, { call, stored, startedMs: Date.parse(call.startedAt) });
  for (const c of read.calls) hold(c, c);
  const aliases = new Map<string, string>();
  for (const a of read.aliases) aliases.set(aliasKey(a.kind, a.alias), a.callId);
  const touched = new Set<string>();
  const added: CallAlias[] = [];

  const asRead = (h: Held) => (h.stored ??= callAsStored(h.call));
  const byAlias = (kind: CallAlias['kind'], alias: string) => {
    const id = aliases.get(aliasKey(kind, alias));
    return id === undefined ? undefined : held.get(id);
  };

  return {
    candidates(e, fromE164) {
      if (e.type !== 'call.ringing') {
        const known = byAlias('call', e.callId);
        if (known) return [asRead(known)];
      }
      const found = new Set<Held>();
      const own = byAlias('call', e.callId);
      if (own) found.add(own);
      const sip = e.sipCallId ? byAlias('sip', e.sipCallId) : undefined;
      if (sip) found.add(sip);
      if (fromE164 !== null) {
        // The same number in loadCandidates' window, nearest first, at most MAX_NUMBER_CANDIDATES.
        const { lo, hi } = candidateWindow(e.ts);
        const [from, to, at] = [Date.parse(lo), Date.parse(hi), Date.parse(e.ts)];
        const near = [...held.values()]
          .filter((h) => h.call.fromE164 === fromE164 && h.startedMs >= from && h.startedMs <= to)
          .sort((a, b) => Math.abs(a.startedMs - at) - Math.abs(b.startedMs - at));
        for (const h of near.slice(0, MAX_NUMBER_CANDIDATES)) found.add(h);
      }
      return [...found]
        .sort((a, b) => a.startedMs - b.startedMs || (a.call.id < b.call.id ? -1 : a.call.id > b.call.id ? 1 : 0))
        .map(asRead);
    },

    put(after, before) {
      hold(after, null);
      touched.add(after.id);
      for (const a of newAliases(after, before)) {
        const key = aliasKey(a.kind, a.alias);
        if (!aliases.has(key)) aliases.set(key, a.callId);
        added.push(a);
      }
    },

    written: () => [...touched].map((id) => (held.get(id) as Held).call),

    addedAliases() {
      // Within one statement a later claim of the same alias would conflict with the first: keep the first.
      const seen = new Set<string>();
      return added.filter((a) => {
        const key = aliasKey(a.kind, a.alias);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    },
  };
}
