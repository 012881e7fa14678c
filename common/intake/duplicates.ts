/**
 * The duplicate rule of intake (issue 4 item 5): a resident calling again about the same thing should land on
 * the ticket already open for it. An OPEN ticket for the same unit and category created within the last 72 h
 * is offered for linking instead of a new one.
 */
import type { Category, Ticket } from '../domain';
import { isOpen } from '../workflows';

export const DUPLICATE_WINDOW_MS = 72 * 3600_000;

export interface DuplicateProbe {
  unitId: string;
  category: Category;
}

type Candidate = Pick<Ticket, 'unitId' | 'category' | 'status' | 'createdAt'>;

/** Created at most 72 h before `now` (the boundary counts), open, same unit and category. */
export function isDuplicate(ticket: Candidate, probe: DuplicateProbe, now: Date): boolean {
  if (ticket.unitId !== probe.unitId || ticket.category !== probe.category || !isOpen(ticket.status)) return false;
  const created = Date.parse(ticket.createdAt);
  if (Number.isNaN(created)) return false;
  return now.getTime() - created <= DUPLICATE_WINDOW_MS;
}

/** The earliest creation time that still counts, for a query that narrows candidates first. */
export function duplicateWindowStart(now: Date): Date {
  return new Date(now.getTime() - DUPLICATE_WINDOW_MS);
}

/** The duplicates among `tickets`, newest first. */
export function findDuplicates<T extends Candidate>(tickets: readonly T[], probe: DuplicateProbe, now: Date): T[] {
  return tickets
    .filter((t) => isDuplicate(t, probe, now))
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}
