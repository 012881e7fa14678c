/**
 * What the ticket list and the keyboard layer share: the bulk selection, and the ticket under the list
 * cursor (a ref the list keeps current; read when an action runs, so moving the cursor re-renders nothing
 * outside the list).
 */
import { createContext, useContext, type RefObject } from 'react';
import type { Ticket } from '../../../../../common/domain';
import type { BulkFailure } from './bulk';
import type { Selection } from './selection';

export interface BulkState {
  /** Set while a bulk run is going. */
  progress: { done: number; total: number } | null;
  /** The last finished run: how many succeeded, and why the others did not (by ticket). */
  result: { done: number; failed: (BulkFailure & { what: string })[] } | null;
}

export interface Triage {
  selection: Selection<Ticket>;
  setSelection(update: (current: Selection<Ticket>) => Selection<Ticket>): void;
  cursorTicket: RefObject<Ticket | undefined>;
  bulk: BulkState;
  dismissBulkResult(): void;
  /** Opens a bulk chooser for the selection. */
  openBulk(kind: 'assign' | 'status'): void;
  bulkPriority(priority: number): void;
}

export const TriageContext = createContext<Triage | null>(null);

export function useTriage(): Triage {
  const triage = useContext(TriageContext);
  if (!triage) throw new Error('useTriage must be used inside <TriageProvider>');
  return triage;
}

/** How a ticket is named in messages: its code, or its title while the code is still pending. */
export function ticketName(ticket: Pick<Ticket, 'code' | 'title'>): string {
  return ticket.code ?? ticket.title;
}
