/**
 * Loads only the pages of a view that the list is showing (100 rows each), plus the next page ahead of them
 * (./pageWindow) so scrolling reaches rows that are already there, and exposes them as index → ticket. The first
 * page is always kept active so the total is known before anything scrolls.
 */
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ViewId } from '../../../../common/contract';
import type { Ticket } from '../../../../common/domain';
import { TICKET_PAGE_SIZE, ticketPageQuery } from '../../api/queries';
import { pageOffsets, type PageReach } from './pageWindow';

export interface TicketPages {
  /** Rows in the view, from the freshest page loaded; null until the first page arrives. */
  total: number | null;
  rowAt(index: number): Ticket | undefined;
  error: Error | null;
  /** A page of the list's window (shown, or the one ahead) is being asked for (again): rows may still move (aria-busy). */
  fetching: boolean;
}

/** How far beyond the drawn rows pages are fetched: a page ahead (about a second of brisk scrolling), less behind. */
const PREFETCH: PageReach = { ahead: TICKET_PAGE_SIZE, behind: 30 };

/**
 * `knownTotal`: the row count the list last drew (0 while unknown); prefetching stops there, so a short view
 * asks for no empty pages. `startIndex`: the row a new list opens on (a jump into this view); its page, already
 * in the cache after the jump, carries the total too, so the list need not wait for page 0 to draw it.
 */
export function useTicketPages(
  view: ViewId,
  firstIndex: number,
  lastIndex: number,
  knownTotal: number,
  startIndex: number | null = null,
): TicketPages {
  const offsets = pageOffsets(firstIndex, lastIndex, knownTotal, TICKET_PAGE_SIZE, PREFETCH);
  if (knownTotal === 0 && startIndex !== null) {
    const startPage = Math.floor(startIndex / TICKET_PAGE_SIZE) * TICKET_PAGE_SIZE;
    if (!offsets.includes(startPage)) offsets.push(startPage);
  }
  const results = useQueries({ queries: offsets.map((offset) => ticketPageQuery(view, offset)) });
  // The last page too, in the background: End (and G) is the other jump an agent makes in a long list.
  const client = useQueryClient();
  const lastPage = knownTotal > 0 ? Math.floor((knownTotal - 1) / TICKET_PAGE_SIZE) * TICKET_PAGE_SIZE : 0;
  useEffect(() => {
    if (lastPage > 0) void client.prefetchQuery(ticketPageQuery(view, lastPage));
  }, [client, view, lastPage]);

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
    fetching: results.some((result) => result.isFetching),
    rowAt: (index) => {
      const offset = Math.floor(index / TICKET_PAGE_SIZE) * TICKET_PAGE_SIZE;
      return pages.get(offset)?.[index - offset];
    },
  };
}
