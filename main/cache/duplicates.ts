/**
 * Candidates for the intake duplicate check: open tickets of one unit and category, read by index, then
 * filtered by the pure rule in common/intake/duplicates (the 72 h window, compared as instants: stored times
 * may carry different offsets, so SQL string order would be wrong at the edges).
 */
import { findDuplicates, type DuplicateProbe } from '../../common/intake/duplicates';
import type { Ticket } from '../../common/domain';
import type { CacheDb } from './db';
import type { TicketRepo } from './tickets';

/** An open ticket per unit and category is rare; this only bounds a pathological unit. */
const CANDIDATE_LIMIT = 200;

export interface DuplicateQuery {
  find(probe: DuplicateProbe, now: Date): Ticket[];
}

export function createDuplicateQuery(db: CacheDb, tickets: TicketRepo): DuplicateQuery {
  const candidates = db.prepare<[string, string, number], { id: string }>(
    'SELECT id FROM tickets WHERE unit_id = ? AND category = ? AND is_open = 1 LIMIT ?',
  );
  return {
    find(probe, now) {
      const rows = candidates
        .all(probe.unitId, probe.category, CANDIDATE_LIMIT)
        .map((r) => tickets.get(r.id))
        .filter((t): t is Ticket => t !== undefined);
      return findDuplicates(rows, probe, now);
    },
  };
}
