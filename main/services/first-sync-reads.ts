/**
 * Reads a cache still filling cannot answer (issue 13: usable 5 s after the first login). A first sync brings the
 * tickets agents work on first and the older ones after them (server/sync/snapshot), so until it is over a search
 * may miss a ticket and an old ticket the agent opens may not be in the cache yet. Meanwhile the server answers
 * those two reads:
 * - search: the server's matches (the same terms, fields and whole-number phone rule as the cache's search; newest
 *   first), each shown as the cache holds it when it does (the agent's own unsent change included), with the same
 *   highlights, and the answer says it came from the server (`fromServer`);
 * - a ticket not cached yet opens from the server, read-only (`fromServer`), until its row arrives.
 * Unreachable, slow (READ_TIMEOUT_MS) or refusing, the server is not asked and the cache answers as it can; once
 * the first sync is over the cache answers alone.
 */
import type { MethodOutput } from '../../common/contract';
import type { TicketRepo } from '../cache';
import { highlight, parseQuery, type SearchResult } from '../cache/search';
import { CentralError, type CentralClient } from '../central';

/** An agent waits this long for the server before the cache answers instead (ms). */
export const READ_TIMEOUT_MS = 2_500;
/** The server list's page limit: deeper search pages come from the cache. */
const SERVER_ROWS = 500;

export interface FirstSyncReads {
  /** The server's answer while the first sync runs; null when the cache is to answer (whole, or server not reached). */
  search(q: string, page: { limit: number; offset: number }): Promise<SearchResult | null>;
  /** A ticket not in the cache, from the server while the first sync runs; null otherwise (or not found). */
  ticket(id: string): Promise<MethodOutput<'tickets.get'>>;
}

export function createFirstSyncReads(deps: {
  central: CentralClient;
  tickets: TicketRepo;
  /** Whether the first sync is still filling the cache. */
  filling(): boolean;
  log?: (message: string) => void;
}): FirstSyncReads {
  const log = deps.log ?? ((message) => console.warn(`[first-sync] ${message}`));

  /** The server's answer, or null when it could not give one (offline, timed out, refused). */
  async function ask<T>(what: string, read: (signal: AbortSignal) => Promise<T>): Promise<T | null> {
    try {
      return await read(AbortSignal.timeout(READ_TIMEOUT_MS));
    } catch (err) {
      if (!(err instanceof CentralError && err.kind === 'offline')) {
        log(`${what} not answered by the server: ${err instanceof Error ? err.message : String(err)}`);
      }
      return null;
    }
  }

  return {
    async search(q, { limit, offset }) {
      if (!deps.filling() || offset + limit > SERVER_ROWS) return null;
      const terms = parseQuery(q).terms;
      if (terms.length === 0) return null;
      const page = await ask('search', (signal) => deps.central.tickets({ q, limit: offset + limit }, signal));
      if (!page) return null;
      return {
        fromServer: true,
        items: page.items.slice(offset, offset + limit).map((found) => {
          const ticket = deps.tickets.get(found.id) ?? found;
          return { ticket, highlights: highlight(ticket, terms) };
        }),
      };
    },
    async ticket(id) {
      if (!deps.filling()) return null;
      const found = await ask(`ticket ${id}`, (signal) => deps.central.ticket(id, signal));
      // Cached meanwhile: the cache's copy is the one to act on.
      const cached = deps.tickets.get(id);
      if (cached) return { ticket: cached, events: deps.tickets.events(id) };
      return found && { ...found, fromServer: true };
    },
  };
}
