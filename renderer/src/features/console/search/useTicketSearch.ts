/**
 * Search as you type: the input is debounced (~100 ms) and each query has its own react-query key, so a slow,
 * stale answer never replaces a newer one; superseded queries are cancelled (the host's answer, if it still
 * comes, is dropped). The previous results stay on screen while the next ones load, and a `tickets.changed`
 * event re-runs the query on screen.
 */
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useDebounced } from '../../../hooks/useDebounced';
import { desk } from '../../../api/desk';

export const SEARCH_DEBOUNCE_MS = 100;
export const SEARCH_LIMIT = 50;

const searchKey = (q: string) => ['search', 'tickets', q] as const;

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
  const query = useQuery({
    queryKey: searchKey(q),
    queryFn: () => desk.tickets.search({ q, limit: SEARCH_LIMIT }),
    enabled: q !== '',
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
  return { q, settled: q === input.trim(), ...query };
}
