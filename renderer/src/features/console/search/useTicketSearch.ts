/**
 * Search as you type: the input is debounced (~100 ms) and each query has its own react-query key, so a slow,
 * stale answer never replaces a newer one; superseded queries are cancelled (the host's answer, if it still
 * comes, is dropped). The previous results stay on screen while the next ones load, and a `tickets.changed`
 * event re-runs the query on screen.
 *
 * Results come in pages (`fetchNextPage` as the agent scrolls or moves past the last one). `total` is the host's
 * count when it gave one (it leaves it out when counting would cost a scan, and always gives it on the last
 * page); otherwise `more` says there are results beyond the `items` loaded ("50+").
 */
import { keepPreviousData, useInfiniteQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import type { SearchResult } from '../../../../../common/contract';
import { useDebounced } from '../../../hooks/useDebounced';
import { desk } from '../../../api/desk';

export const SEARCH_DEBOUNCE_MS = 100;
/** Results per page: the first screen and a few scrolls' worth, and cheap for the host to rank. */
export const SEARCH_LIMIT = 50;
/** The contract's largest offset (tickets.search): no page starts beyond it. */
export const SEARCH_MAX_OFFSET = 10_000;

const searchKey = (q: string) => ['search', 'tickets', q] as const;

type Item = SearchResult['items'][number];

/** Where the next page starts, or undefined when the last one was the end (or the contract's limit is reached). */
export function nextSearchOffset(pages: readonly SearchResult[]): number | undefined {
  const last = pages.at(-1);
  if (!last || last.items.length < SEARCH_LIMIT) return undefined;
  const loaded = pages.reduce((n, page) => n + page.items.length, 0);
  const total = pages.findLast((page) => page.total !== undefined)?.total;
  if (total !== undefined && loaded >= total) return undefined;
  return loaded <= SEARCH_MAX_OFFSET ? loaded : undefined;
}

/** The loaded pages as one list (a ticket that moved between pages during a refresh is shown once), and the count. */
export function flattenSearch(data: InfiniteData<SearchResult, unknown> | undefined): {
  items: Item[];
  total: number | undefined;
} {
  if (!data) return { items: [], total: undefined };
  const seen = new Set<string>();
  const items: Item[] = [];
  let total: number | undefined;
  for (const page of data.pages) {
    if (page.total !== undefined) total = page.total;
    for (const item of page.items) {
      if (seen.has(item.ticket.id)) continue;
      seen.add(item.ticket.id);
      items.push(item);
    }
  }
  return { items, total };
}

export function useTicketSearch(input: string) {
  const client = useQueryClient();
  const q = useDebounced(input.trim(), SEARCH_DEBOUNCE_MS);
  useEffect(() => {
    void client.cancelQueries({ queryKey: ['search', 'tickets'], predicate: (query) => query.queryKey[2] !== q });
  }, [client, q]);
  // Tickets that change (a sync brings a new one in, a status moves) re-run the query on screen.
  useEffect(
    () => desk.on('tickets.changed', () => void client.invalidateQueries({ queryKey: ['search', 'tickets'] })),
    [client],
  );
  const query = useInfiniteQuery({
    queryKey: searchKey(q),
    queryFn: ({ pageParam }) => desk.tickets.search({ q, limit: SEARCH_LIMIT, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (_last, pages) => nextSearchOffset(pages),
    enabled: q !== '',
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
  const { items, total } = useMemo(() => flattenSearch(query.data), [query.data]);
  // Answered by the server while this desk's first sync fills its cache (main/services/first-sync-reads).
  const fromServer = query.data?.pages.some((page) => page.fromServer === true) ?? false;
  return { q, settled: q === input.trim(), items, total, fromServer, more: query.hasNextPage, ...query };
}
