/**
 * Applies one pull page in ONE transaction (DESIGN.md §5): put back the server state under the optimistic
 * changes, write the server's changes, advance the cursor, drop what the server has processed, and re-apply
 * what is still pending on top.
 */
import { Call, Presence, Team, Ticket, TicketEvent, User } from '../../common/domain';
import { ticketFromWire, type Change, type PullResponse } from '../../common/sync';
import type { CacheRepos } from '../cache';
import { crashPoint } from './crash-points';
import type { Outbox } from './outbox';
import type { TicketShadow } from './shadow';

export interface PageResult {
  /** Tickets whose cached state may have changed (server writes, rolled back or re-applied changes). */
  ticketIds: string[];
  directoryChanged: boolean;
}

/** At most this many changes per SQLite transaction when a page is applied in chunks. */
export const APPLY_CHUNK_SIZE = 1000;
/** An intermediate chunk's transaction commits (and the event loop runs) after about this much work (ms). */
export const APPLY_CHUNK_BUDGET_MS = 8;
/** A page's tail of at most this many changes goes straight into the last transaction before any chunk has timed the rate. */
const FIRST_TAIL = 250;

export interface Rebaser {
  applyPage(page: PullResponse, actorId: string | null): PageResult;
  /**
   * applyPage in transactions of at most `chunkSize` changes (and about APPLY_CHUNK_BUDGET_MS of work each),
   * yielding to the event loop between them so the
   * host keeps answering the renderer during a long (initial) sync. Earlier chunks write server rows only — a
   * ticket with pending changes gets its shadow updated, so the optimistic copy stays on screen; the last chunk
   * is applyPage's transaction: restore shadows, write, advance the cursor, drop what the server processed,
   * re-apply the rest. A crash before it re-pulls the page, which is idempotent (pages carry current state).
   * An aborted `signal` stops between chunks (the cursor not advanced) with an AbortError.
   */
  applyPageInChunks(page: PullResponse, actorId: string | null, options?: ChunkOptions): Promise<PageResult>;
  /** Re-derives the optimistic layer without new server data (e.g. after a push rejected something). */
  rebase(actorId: string | null): string[];
  /**
   * The server answered `reset` (our cursor is older than its sync horizon): wipes every synced table and the
   * cursor in one transaction — never the outbox, which the next pages re-apply. Returns the wiped ticket ids.
   */
  reset(): string[];
}

export interface ChunkOptions {
  chunkSize?: number;
  signal?: AbortSignal;
  /**
   * Bulk load (main/cache/bulk-load): every transaction of the page commits with synchronous=NORMAL and a chunk
   * may take BULK_CHUNK_BUDGET_MS. Safe because the page's data and its cursor commit together: a power cut can
   * only lose whole pages, which are pulled again; the outbox is empty or untouched by an initial sync's pages.
   */
  bulk?: boolean;
  /**
   * The initial sync's progress record (meta `initial_sync`) as of the end of this page, written in the page's last
   * transaction: on its own it would be one more durable commit (an fsync) per page.
   */
  initialSync?: string | null;
}

/** A bulk load's chunk budget: fewer, larger commits (each rewrites the primary-key pages it touched). */
export const BULK_CHUNK_BUDGET_MS = 20;

/** What the server owns in the cache (the outbox and rejected list are the desk's own). */
const SYNCED_TABLES = [
  'tickets',
  'ticket_events',
  'ticket_history_missing',
  'ticket_shadow',
  'users',
  'teams',
  'calls',
  'presence',
];

/** The tickets a snapshot page puts without their events (schema 6: PullResponse.historyOmitted). */
function historyOmitted(page: PullResponse): string[] {
  if (!page.historyOmitted) return [];
  const sent = new Set(page.historyOmitted.except);
  return page.changes.filter((c) => c.entity === 'ticket' && c.op === 'put' && !sent.has(c.id)).map((c) => c.id);
}

export function createRebaser(repos: CacheRepos, outbox: Outbox, shadow: TicketShadow): Rebaser {
  const { db, tickets, staff, meta, calls, presence, history } = repos;

  function writeChange(c: Change, touched: Set<string>): boolean {
    const put = c.op === 'put';
    switch (c.entity) {
      case 'ticket':
        if (put) tickets.put(Ticket.parse(ticketFromWire(c.data)));
        else tickets.delete(c.id);
        touched.add(c.id);
        return false;
      case 'ticket_event':
        if (put) {
          const e = TicketEvent.parse(c.data);
          tickets.putEvent(e);
          touched.add(e.ticketId);
        } else tickets.deleteEvent(c.id);
        return false;
      case 'user':
        if (put) staff.putUser(User.parse(c.data));
        else staff.deleteUser(c.id);
        return true;
      case 'team':
        if (put) staff.putTeam(Team.parse(c.data));
        else staff.deleteTeam(c.id);
        return true;
      case 'call':
        if (put) calls.put(Call.parse(c.data));
        else calls.delete(c.id);
        return false;
      case 'presence':
        if (put) presence.put(Presence.parse(c.data));
        else presence.delete(c.id);
        return false;
    }
  }

  /** Puts back the server state under the optimistic layer (tickets, their events, logged calls). */
  function restoreServerState(): Set<string> {
    const touched = new Set(shadow.restore());
    calls.deletePending();
    presence.deletePending();
    return touched;
  }

  function reapplyPending(actorId: string | null, touched: Set<string>): void {
    if (!actorId) return; // no session: the optimistic layer waits for the next login
    for (const entry of outbox.queued()) {
      const args = entry.args as { id?: unknown };
      const isTicket = entry.name.startsWith('ticket.');
      if (outbox.reapply(entry, actorId) && isTicket && typeof args.id === 'string') touched.add(args.id);
    }
  }

  const applyPageTx = db.transaction(
    (
      page: PullResponse,
      actorId: string | null,
      initialSync?: string | null,
      withoutHistory: readonly string[] = historyOmitted(page),
    ): PageResult => {
      const touched = restoreServerState();
      let directoryChanged = false;
      for (const change of page.changes) directoryChanged = writeChange(change, touched) || directoryChanged;
      history.markMissing(withoutHistory);
      meta.set('pull_cursor', page.cursor);
      if (initialSync !== undefined) meta.set('initial_sync', initialSync);
      meta.set('last_mutation_id', String(page.lastMutationId));
      outbox.dropThrough(page.lastMutationId);
      crashPoint('pull.applying'); // kill -9 tests: inside the page's transaction, before it commits
      reapplyPending(actorId, touched);
      return { ticketIds: [...touched], directoryChanged };
    },
  );

  /**
   * A server change written before the page's last chunk: never over a ticket's optimistic copy. `shadowed`
   * false: no ticket has one (checked once per chunk; the chunk's own writes add none).
   */
  function writeServerChange(c: Change, touched: Set<string>, shadowed: boolean): boolean {
    if (c.entity !== 'ticket') return writeChange(c, touched);
    const ticket = c.op === 'put' ? Ticket.parse(ticketFromWire(c.data)) : undefined;
    if (!shadowed || !shadow.replaceIfShadowed(c.id, ticket)) {
      if (ticket) tickets.put(ticket);
      else tickets.delete(c.id);
    }
    touched.add(c.id);
    return false;
  }

  /**
   * Writes changes from `chunk.start` until `max` of them or the time budget is spent (at least one); moves
   * `chunk.start` past what it wrote.
   */
  const applyChunkTx = db.transaction(
    (changes: readonly Change[], chunk: { start: number; max: number; budgetMs: number }, touched: Set<string>) => {
      const deadline = performance.now() + chunk.budgetMs;
      const end = Math.min(changes.length, chunk.start + chunk.max);
      let directoryChanged = false;
      const shadowed = !shadow.isEmpty();
      let i = chunk.start;
      do {
        directoryChanged = writeServerChange(changes[i]!, touched, shadowed) || directoryChanged;
        i++;
      } while (i < end && performance.now() < deadline);
      chunk.start = i;
      return directoryChanged;
    },
  );

  async function applyPageInChunks(
    page: PullResponse,
    actorId: string | null,
    { chunkSize = APPLY_CHUNK_SIZE, signal, bulk = false, initialSync }: ChunkOptions = {},
  ): Promise<PageResult> {
    const size = Math.max(1, Math.floor(chunkSize));
    const touched = new Set<string>();
    let directoryChanged = false;
    const chunk = { start: 0, max: size, budgetMs: bulk ? BULK_CHUNK_BUDGET_MS : APPLY_CHUNK_BUDGET_MS };
    // What the last transaction takes on top of its own work: about one chunk's worth, as the last chunk timed it.
    let tail = Math.min(size, FIRST_TAIL);
    while (page.changes.length - chunk.start > tail) {
      const before = chunk.start;
      // Durability: the intermediate chunks commit with synchronous=NORMAL (no fsync of the WAL), the page's last
      // transaction with FULL. Only that last transaction advances the cursor, and its fsync of the WAL (appended
      // in order) makes every chunk committed before it durable too; a chunk lost to a power cut before then is
      // re-pulled with the page, idempotently. FULL is back on before the event loop runs again, so no other
      // write (an outbox row for a user action) ever commits under NORMAL.
      db.pragma('synchronous = NORMAL');
      try {
        directoryChanged = applyChunkTx(page.changes, chunk, touched) || directoryChanged;
      } finally {
        db.pragma('synchronous = FULL');
      }
      tail = Math.min(size, chunk.start - before);
      crashPoint('pull.chunk'); // kill -9 tests: some chunks of a page committed, the cursor not advanced
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    }
    const start = chunk.start;
    if (bulk) db.pragma('synchronous = NORMAL');
    let last: PageResult;
    try {
      // The whole page's marks, with its cursor: a crash before this re-pulls the page, marks included.
      last = applyPageTx({ ...page, changes: page.changes.slice(start) }, actorId, initialSync, historyOmitted(page));
    } finally {
      if (bulk) db.pragma('synchronous = FULL');
    }
    for (const id of last.ticketIds) touched.add(id);
    return { ticketIds: [...touched], directoryChanged: directoryChanged || last.directoryChanged };
  }

  const rebaseTx = db.transaction((actorId: string | null): string[] => {
    const touched = restoreServerState();
    reapplyPending(actorId, touched);
    return [...touched];
  });

  const selectTicketIds = db.prepare<[], { id: string }>('SELECT id FROM tickets');
  const wipe = SYNCED_TABLES.map((table) => db.prepare(`DELETE FROM ${table}`));
  const resetTx = db.transaction((): string[] => {
    const ids = selectTicketIds.all().map((r) => r.id);
    for (const statement of wipe) statement.run();
    meta.set('pull_cursor', null);
    return ids;
  });

  return { applyPage: applyPageTx, applyPageInChunks, rebase: rebaseTx, reset: resetTx };
}
