/**
 * Applies one pull page in ONE transaction (DESIGN.md §5): put back the server state under the optimistic
 * changes, write the server's changes, advance the cursor, drop what the server has processed, and re-apply
 * what is still pending on top.
 */
import { Team, Ticket, TicketEvent, User } from '../../common/domain';
import type { Change, PullResponse } from '../../common/sync';
import type { CacheRepos } from '../cache';
import type { Outbox } from './outbox';
import type { TicketShadow } from './shadow';

export interface PageResult {
  /** Tickets whose cached state may have changed (server writes, rolled back or re-applied changes). */
  ticketIds: string[];
  directoryChanged: boolean;
}

export interface Rebaser {
  applyPage(page: PullResponse, actorId: string | null): PageResult;
  /** Re-derives the optimistic layer without new server data (e.g. after a push rejected something). */
  rebase(actorId: string | null): string[];
}

export function createRebaser(repos: CacheRepos, outbox: Outbox, shadow: TicketShadow): Rebaser {
  const { db, tickets, directory, meta } = repos;

  function writeChange(c: Change, touched: Set<string>): boolean {
    const put = c.op === 'put';
    switch (c.entity) {
      case 'ticket':
        if (put) tickets.put(Ticket.parse(c.data));
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
        if (put) directory.putUser(User.parse(c.data));
        else directory.deleteUser(c.id);
        return true;
      case 'team':
        if (put) directory.putTeam(Team.parse(c.data));
        else directory.deleteTeam(c.id);
        return true;
    }
  }

  function reapplyPending(actorId: string | null, touched: Set<string>): void {
    if (!actorId) return; // no session: the optimistic layer waits for the next login
    for (const entry of outbox.pending()) {
      const args = entry.args as { id?: unknown };
      if (outbox.reapply(entry, actorId) && typeof args.id === 'string') touched.add(args.id);
    }
  }

  const applyPageTx = db.transaction((page: PullResponse, actorId: string | null): PageResult => {
    const touched = new Set(shadow.restore());
    let directoryChanged = false;
    for (const change of page.changes) directoryChanged = writeChange(change, touched) || directoryChanged;
    meta.set('pull_cursor', page.cursor);
    meta.set('last_mutation_id', String(page.lastMutationId));
    outbox.dropThrough(page.lastMutationId);
    reapplyPending(actorId, touched);
    return { ticketIds: [...touched], directoryChanged };
  });

  const rebaseTx = db.transaction((actorId: string | null): string[] => {
    const touched = new Set(shadow.restore());
    reapplyPending(actorId, touched);
    return [...touched];
  });

  return { applyPage: applyPageTx, rebase: rebaseTx };
}
