/**
 * Loads only the pages of a view that the list is showing (100 rows each) and exposes them as
 * index → ticket. The first page is always kept active so the total is known before anything scrolls.
 */
import { useQueries } from '@tanstack/react-query';
import type { ViewId } from '../../../../common/contract';
import type { Ticket } from '../../../../common/domain';
import { TICKET_PAGE_SIZE, ticketPageQuery } from '../../api/queries';

export interface TicketPages {
  /** Rows in the view, from the freshest page loaded; null until the first page arrives. */
  total: number | null;
  rowAt(index: number): Ticket | undefined;
  error: Error | null;
}

export function useTicketPages(view: ViewId, firstIndex: number, lastIndex: number): TicketPages {
  const offsets = pageOffsets(firstIndex, lastIndex);
  const results = useQueries({ queries: offsets.map((offset) => ticketPageQuery(view, offset)) });

  let total: number | null = null;
  let freshest = -1;
  const pages = new Map<number, Ticket[]>();
  let error: Error | null = null;
  results.forEach((result, i) => {
    const offset = offsets[i] ?? 0;
    if (result.data) {
      pages.set(offset, result.data.items);
      if (result.dataUpdatedAt > freshest) {
        freshest = result.dataUpdatedAt;
        total = result.data.total;
      }
    }
    error ??= result.error;
  });

  return {
    total,
    error,
    rowAt: (index) => {
      const offset = Math.floor(index / TICKET_PAGE_SIZE) * TICKET_PAGE_SIZE;
      return pages.get(offset)?.[index - offset];
    },
  };
}

function pageOffsets(firstIndex: number, lastIndex: number): number[] {
  const offsets = new Set<number>([0]);
  if (lastIndex >= firstIndex && firstIndex >= 0) {
    const firstPage = Math.floor(firstIndex / TICKET_PAGE_SIZE);
    const lastPage = Math.floor(lastIndex / TICKET_PAGE_SIZE);
    for (let page = firstPage; page <= lastPage; page++) offsets.add(page * TICKET_PAGE_SIZE);
  }
  return [...offsets].sort((a, b) => a - b);
}
