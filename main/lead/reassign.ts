/**
 * Reassignment from the lead board (issue 12 item 1): one `ticket.assign` mutation per ticket through the outbox, so
 * it works offline and reaches the server exactly once; each carries the reason and its scope (a queue move is for
 * leads and admins, which the shared rules — and the server — enforce). The whole batch is one SQLite transaction.
 */
import { randomUUID } from 'node:crypto';
import { isOpen } from '../../common/workflows';
import { MutationRejected, parseMutation } from '../../common/mutations';
import {
  BULK_MAX,
  bulkNeedsReason,
  type Move,
  type ReassignRequest,
  type ReassignResult,
} from '../../common/lead/board';
import type { AssignScope } from '../../common/ticket-access';
import type { CacheRepos } from '../cache';
import { DeskError } from '../session';
import type { Outbox } from '../sync/outbox';

export interface Reassigner {
  reassign(req: ReassignRequest, actorId: string): ReassignResult;
}

export function createReassigner(repos: Pick<CacheRepos, 'db' | 'tickets'>, outbox: Outbox): Reassigner {
  const { db, tickets } = repos;
  // A queue's open tickets, the most urgent first, up to a bulk move's limit.
  const queueIds = db.prepare<{ teamId: string; limit: number }, { id: string }>(
    'SELECT id FROM tickets WHERE team_id = @teamId AND is_open = 1 ORDER BY sla_due_ms, id LIMIT @limit',
  );

  function idsOf(req: ReassignRequest): string[] {
    if (req.target.kind === 'tickets') return [...new Set(req.target.ids)];
    return queueIds.all({ teamId: req.target.teamId, limit: BULK_MAX }).map((r) => r.id);
  }

  function scopeOf(req: ReassignRequest): AssignScope | undefined {
    if (req.target.kind === 'queue') return 'queue';
    return req.target.ids.length > 1 ? 'selection' : undefined;
  }

  const run = db.transaction((req: ReassignRequest, actorId: string): ReassignResult => {
    const scope = scopeOf(req);
    const result: ReassignResult = { moved: [], refused: [] };
    for (const id of idsOf(req)) {
      const before = tickets.get(id);
      // Already with them (or closed meanwhile): nothing to move, nothing to undo.
      if (before && (before.assigneeId === req.assigneeId || !isOpen(before.status))) continue;
      const mutation = parseMutation('ticket.assign', {
        id,
        eventId: randomUUID(),
        assigneeId: req.assigneeId,
        reason: req.reason,
        scope,
      });
      try {
        const { effect } = outbox.enqueue(mutation, actorId);
        const move: Move = { id, code: effect.ticket.code, from: before?.assigneeId ?? null, to: req.assigneeId };
        result.moved.push(move);
      } catch (err) {
        if (!(err instanceof MutationRejected)) throw err;
        result.refused.push({ id, code: err.code, message: err.message });
      }
    }
    return result;
  });

  return {
    reassign(req, actorId) {
      if (bulkNeedsReason(req.target) && !req.reason?.trim()) {
        throw new DeskError('reason_required', 'Moving several tickets or a queue needs a reason');
      }
      return run(req, actorId);
    },
  };
}
